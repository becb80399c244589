"""The account's timeline: what happened with the customer, from every app, in one chronological list.

Accounts knows its own events (interactions, org changes, tier moves); apps above it register theirs
(performance: large orders; planning: plan events) in their `AppConfig.ready()` with `register_source`,
so accounts imports none of them. A source answers one account's events in a date range, newest
first, at most `limit` of them, and how many there are: two queries whatever the account's size.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import F, Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Account, Contact, OpportunityMove, User

PAGE_SIZE = 25


@dataclass
class TimelineEvent:
    """One line of the timeline. `sort_key` breaks ties within a day (later first)."""

    on: datetime.date
    kind: str
    title: str
    detail: str = ""
    icon: str = "dot"
    url: str = ""
    obj: Any = None
    sort_key: tuple = field(default=())


@dataclass
class TimelineSource:
    kind: str
    label: Any
    read: Callable[..., tuple[int, list[TimelineEvent]]]


_SOURCES: dict[str, TimelineSource] = {}


def register_source(*, kind: str, label, read: Callable[..., tuple[int, list[TimelineEvent]]]) -> None:
    """Add a kind of event to every account's timeline (registering the same kind again replaces it).

    `read(account=, since=, until=, limit=)` returns (how many events in the range, the newest `limit`).
    """
    _SOURCES[kind] = TimelineSource(kind=kind, label=label, read=read)


def timeline_kinds() -> list[tuple[str, str]]:
    return [(source.kind, str(source.label)) for source in _SOURCES.values()]


def in_range(queryset: QuerySet, path: str, since: datetime.date | None, until: datetime.date | None) -> QuerySet:
    """`queryset` kept to the rows whose date (at `path`) is within [since, until], either end open."""
    if since is not None:
        queryset = queryset.filter(**{f"{path}__gte": since})
    if until is not None:
        queryset = queryset.filter(**{f"{path}__lte": until})
    return queryset


class _Merged:
    """A sequence over the sources' events for the paginator: the count is the sources' counts summed,
    and a slice reads from each source only as many as the slice's end needs."""

    def __init__(self, sources: list[TimelineSource], **query):
        self.sources, self.query = sources, query
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = sum(source.read(**self.query, limit=0)[0] for source in self.sources)
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item: slice) -> list[TimelineEvent]:
        end = item.stop or 0
        events: list[TimelineEvent] = []
        for source in self.sources:
            events.extend(source.read(**self.query, limit=end)[1])
        events.sort(key=lambda event: (event.on, event.sort_key), reverse=True)
        return events[item]


def account_timeline(
    *,
    account: Account,
    kinds: list[str] | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    page_number=None,
    per_page: int = PAGE_SIZE,
) -> Page:
    """A page of the account's events, newest first, of the chosen kinds (all when none) in [since, until]."""
    sources = [source for kind, source in _SOURCES.items() if not kinds or kind in kinds]
    return Paginator(_Merged(sources, account=account, since=since, until=until), per_page).get_page(page_number)


# --- The sources accounts knows ----------------------------------------------------------------


def _interactions(*, account: Account, since, until, limit: int) -> tuple[int, list[TimelineEvent]]:
    rows = in_range(account.interactions.all(), "occurred_on", since, until)
    if not limit:
        return rows.count(), []
    rows = rows.select_related("activity").prefetch_related(
        Prefetch("their_attendees", queryset=Contact.objects.order_by("name")),
        Prefetch("our_attendees", queryset=User.objects.order_by("last_name", "first_name")),
    ).order_by("-occurred_on", "-id")[:limit]
    return 0, [
        TimelineEvent(
            on=row.occurred_on,
            kind="interaction",
            title=row.get_kind_display(),
            detail=row.note,
            icon="chat-left-text",
            url=reverse("accounts:interaction-edit", args=[account.pk, row.pk]),
            obj=row,
            sort_key=(2, row.pk),
        )
        for row in rows
    ]


def _org_changes(*, account: Account, since, until, limit: int) -> tuple[int, list[TimelineEvent]]:
    rows = in_range(account.org_changes.all(), "happened_on", since, until)
    if not limit:
        return rows.count(), []
    return 0, [
        TimelineEvent(
            on=row.happened_on, kind="org_change", title=row.get_kind_display(), detail=row.description,
            icon="diagram-3", url=reverse("accounts:org-chart", args=[account.pk]), obj=row, sort_key=(1, row.pk),
        )
        for row in rows.order_by("-happened_on", "-id")[:limit]
    ]


def _tier_moves(*, account: Account, since, until, limit: int) -> tuple[int, list[TimelineEvent]]:
    rows = OpportunityMove.objects.filter(opportunity__account=account, from_tier__isnull=False).exclude(
        from_tier=F("to_tier")
    )
    rows = in_range(rows, "moved_at__date", since, until)
    if not limit:
        return rows.count(), []
    events = []
    for row in rows.select_related("opportunity").order_by("-moved_at", "-id")[:limit]:
        events.append(TimelineEvent(
            on=row.moved_at.date(), kind="tier_move",
            title=_("Tier %(from)s → Tier %(to)s") % {"from": row.from_tier, "to": row.to_tier},
            detail=row.opportunity.name + (f" · {row.note}" if row.note else ""),
            icon="arrow-up-right" if row.to_tier < row.from_tier else "arrow-down-right",
            url=reverse("accounts:opportunities", args=[account.pk]), obj=row, sort_key=(0, row.pk),
        ))
    return 0, events


register_source(kind="interaction", label=gettext_lazy("Interactions"), read=_interactions)
register_source(kind="org_change", label=gettext_lazy("Org changes"), read=_org_changes)
register_source(kind="tier_move", label=gettext_lazy("Tier moves"), read=_tier_moves)

