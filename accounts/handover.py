"""What a person's handover moves, as registered by the apps above accounts.

Accounts knows account teams only. Planning (plan drafts, open actions, pending reviews) and
other higher apps register a participant here from their `AppConfig.ready()`; notifications
registers a listener that tells the successors. Accounts never imports them.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from accounts.models import User


@dataclass(frozen=True)
class HandoverItem:
    """One thing that will move: what it is and a link to it."""

    label: str
    url: str = ""


@dataclass(frozen=True)
class HandoverParticipant:
    """A kind of work a person owns that a handover moves to a successor.

    `preview(user)` lists what would move (read only); `transfer(from_user=, to_user=)` moves it
    inside the handover's transaction and returns how many rows moved.
    """

    key: str
    title: Callable[[], str]
    preview: Callable[[User], list[HandoverItem]]
    transfer: Callable[..., int]
    order: int = 100


@dataclass(frozen=True)
class HandoverDone:
    """What a confirmed handover moved, for the listeners (notifications) and the message."""

    person: User
    successor: User
    work_successor: User
    acting_user: User
    accounts: list[str] = field(default_factory=list)
    moved: dict[str, int] = field(default_factory=dict)


_participants: dict[str, HandoverParticipant] = {}
_listeners: list[Callable[[HandoverDone], None]] = []


def register_participant(participant: HandoverParticipant) -> None:
    """Called from a higher app's `AppConfig.ready()`; registering the same key twice replaces it."""
    _participants[participant.key] = participant


def register_listener(listener: Callable[[HandoverDone], None]) -> None:
    """Called after a handover commits (e.g. to notify the successors); safe to register once per process."""
    if listener not in _listeners:
        _listeners.append(listener)


def participants() -> list[HandoverParticipant]:
    return sorted(_participants.values(), key=lambda p: (p.order, p.key))


def listeners() -> list[Callable[[HandoverDone], None]]:
    return list(_listeners)


# --- A person's load, as registered by higher apps (open actions, time-entry utilisation) ---


@dataclass(frozen=True)
class LoadMeasure:
    """A column of the people page: `values(user_ids)` answers {user_id: shown value} in one query."""

    key: str
    title: Callable[[], str]
    values: Callable[[list[int]], dict[int, str]]
    order: int = 100


_load_measures: dict[str, LoadMeasure] = {}


def register_load_measure(measure: LoadMeasure) -> None:
    _load_measures[measure.key] = measure


def load_measures() -> list[LoadMeasure]:
    return sorted(_load_measures.values(), key=lambda m: (m.order, m.key))
