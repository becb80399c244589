"""What a batch write (an upsert of many rows by their natural keys, all or nothing) tells its caller:
each row's `Outcome`, or `RowErrors` by the rows' positions when any row breaks a rule."""

from enum import StrEnum

from django.core.exceptions import ValidationError


class Outcome(StrEnum):
    """What an upsert did with a row."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


class RowErrors(Exception):
    """Rows of a batch that break a rule, by position: {index: ValidationError}. Nothing was written."""

    def __init__(self, errors: dict[int, ValidationError]):
        super().__init__(errors)
        self.errors = errors
