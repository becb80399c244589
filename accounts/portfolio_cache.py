"""Portfolio-wide sums (the weekly dashboard, the Pareto view, the owner filters, the ordered plan
list, a person's weekly check) cached until the next write they read from.

These pages add up every account a user may see, so they cost more as the company grows; the data
they read changes far less often than they are opened. `cached()` stores a computed value under the
current tokens of the `PortfolioStamp`s it depends on, and every write changes the token of its
stamp (`bump()`): the next request computes afresh. There is a stamp per kind of data (accounts and
teams, opportunities, plans, KPI snapshots, sales: orders, revenue lines and personal goals), so
saving an opportunity recomputes the tier funnel, not the KPI statuses. Single saves and deletes bump
through the signals wired by `watch()`: accounts watches its own models in `connect_signals()`, a
higher app registers its models from its `AppConfig.ready()` (performance: KPI definitions, snapshots
and personal goals; planning: plans), so this module names no model of a higher app. Bulk writes
(snapshot refresh, revenue refresh, running plans, the demo, performance's order and revenue services)
call `bump()` themselves. The tokens live in the database, so the cache may be each process's own
memory or a shared Redis: no process can serve a value computed before a write it can see.
"""

import hashlib
import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models.signals import post_delete, post_save

logger = logging.getLogger(__name__)

# The stamps: every cached value depends on PORTFOLIO (accounts, teams, names: who sees what)
# and on the stamps of the data it sums, so a write recomputes only what reads it.
PORTFOLIO = "portfolio"
OPPORTUNITIES = "opportunities"
PLANS = "plans"
SNAPSHOTS = "snapshots"
# Orders, revenue lines and personal goals (a person's weekly check): written by performance's services only
# (the admin's and the API's writes included), which bump it in the write's transaction.
SALES = "sales"
ALL = (PORTFOLIO, OPPORTUNITIES, PLANS, SNAPSHOTS, SALES)
TIMEOUT = 6 * 60 * 60  # a stale token's entries simply age out

# Models whose single saves (and deletes) change what the portfolio pages show, and the stamp they
# change: accounts' own here, a higher app's added by `watch()` from its AppConfig.ready().
WATCHED: dict[str, str] = {}
ACCOUNTS_WATCHED = {
    "accounts.Account": PORTFOLIO,
    "accounts.AccountTeamMember": PORTFOLIO,
    "accounts.BusinessUnit": PORTFOLIO,
    "accounts.PricingTier": PORTFOLIO,
    "accounts.Opportunity": OPPORTUNITIES,
}


def tokens(names: tuple[str, ...]) -> tuple[str, ...]:
    """The current token of each named stamp (one query)."""
    from accounts.models import PortfolioStamp

    found = dict(PortfolioStamp.objects.filter(name__in=names).values_list("name", "token"))
    return tuple(found.get(name, "-") for name in names)


def stamp(name: str = PORTFOLIO) -> str:
    return tokens((name,))[0]


def bump(*names: str) -> None:
    """Make the cached values that depend on these stamps (default: all of them) stale; call it after a
    bulk write the signals do not see."""
    from accounts.models import PortfolioStamp

    for name in names or ALL:
        token = uuid.uuid4().hex
        if not PortfolioStamp.objects.filter(name=name).update(token=token):
            PortfolioStamp.objects.update_or_create(name=name, defaults={"token": token})


def scope(user) -> str | int:
    """The part of a cache key that says whose accounts a value sums: every account for executives
    and admins (one entry shared by all of them), a user's own otherwise."""
    from accounts.roles import sees_all_accounts

    return "all" if sees_all_accounts(user) else user.pk


def page_of(queryset, ids: list[int], number, per_page: int) -> Page:
    """The page `number` of a cached, ordered list of ids, its rows read by key from `queryset`
    (which still applies the user's visibility) without the list's ordering."""
    page = Paginator(ids, per_page).get_page(number)
    rows = queryset.order_by().in_bulk(page.object_list)
    page.object_list = [rows[pk] for pk in page.object_list if pk in rows]
    return page


def cached(parts: tuple, compute: Callable[[], Any], depends: tuple[str, ...] = ()) -> Any:
    """The value for these key parts under the current tokens of PORTFOLIO and `depends`, computed
    and stored on a miss."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    key = "portfolio:" + ":".join(tokens((PORTFOLIO, *depends))) + ":" + digest
    try:
        value = cache.get(key)
    except Exception:  # a cache server that is down costs speed, not the page
        logger.warning("Cache unavailable: computing %s without it.", parts[0], exc_info=True)
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, TIMEOUT)
        except Exception:
            logger.warning("Cache unavailable: %s not stored.", parts[0], exc_info=True)
    return value


_bulk = threading.local()


@contextmanager
def bulk_writes() -> Iterator[None]:
    """For writes of many rows at once (loading or deleting the demo): the signals do not bump row by
    row (a delete of 500,000 opportunities would be 500,000 updates), every stamp is bumped at the end, and
    the sums kept at write time (`accounts.tier_totals`) are recomputed for every account once. Nested
    uses (the demo's flush inside the seed) end with the outermost."""
    from accounts.tier_totals import tier_totals_refresh

    if in_bulk_writes():
        yield
        return
    _bulk.active = True
    try:
        yield
        _bulk.active = False
        tier_totals_refresh()
    finally:
        _bulk.active = False
        bump()


def in_bulk_writes() -> bool:
    return getattr(_bulk, "active", False)


def _bump_unless_bulk(name: str) -> None:
    if not in_bulk_writes():
        bump(name)


def _changed(sender, **kwargs) -> None:
    _bump_unless_bulk(WATCHED[sender._meta.label])


def _user_changed(sender, update_fields=None, **kwargs) -> None:
    # Names show on the dashboard (KAM column); a login only writes last_login, a language switch language.
    if update_fields is None or not set(update_fields) <= {"last_login", "language"}:
        _bump_unless_bulk(PORTFOLIO)


def watch(model: str, stamp_name: str, *, deletes: bool = True) -> None:
    """Bump `stamp_name` on every single save (and, unless `deletes` is off, delete) of `model`
    ("app_label.ModelName"). A higher app calls it from its AppConfig.ready() for its own models."""
    if stamp_name not in ALL:
        raise ValueError(f"unknown portfolio stamp {stamp_name!r}")
    WATCHED[model] = stamp_name
    post_save.connect(_changed, sender=model, dispatch_uid=f"portfolio-save-{model}")
    if deletes:
        post_delete.connect(_changed, sender=model, dispatch_uid=f"portfolio-delete-{model}")


def connect_signals() -> None:
    from django.conf import settings

    for model, stamp_name in ACCOUNTS_WATCHED.items():
        watch(model, stamp_name)
    post_save.connect(_user_changed, sender=settings.AUTH_USER_MODEL, dispatch_uid="portfolio-save-user")
    # A deleted user leaves the names kept with the values (owners in filters, My work's action owners).
    post_delete.connect(_user_changed, sender=settings.AUTH_USER_MODEL, dispatch_uid="portfolio-delete-user")
