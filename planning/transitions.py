"""The shape the plan's and the meeting's state machines share: an explicit table of allowed transitions.

Each row says which action moves a subject from one status to another and which actor may take it
(an act that keeps the status is a row whose source is its target). planning.services.workflow holds
the plan's table, planning.meetings the meeting's; each says who counts as which actor.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str
    actor: Enum


class TransitionTable:
    """The rows of one state machine, found by (status, action)."""

    def __init__(self, rows: Iterable[Transition]):
        self.rows: tuple[Transition, ...] = tuple(rows)
        self._by_key = {(row.source, row.action): row for row in self.rows}

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def find(self, *, status: str, action: str) -> Transition | None:
        """The row for `action` from `status`, or None when the status does not allow it."""
        return self._by_key.get((status, action))

    def from_status(self, status: str) -> list[Transition]:
        """The rows that start from `status`."""
        return [row for row in self.rows if row.source == status]
