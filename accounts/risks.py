"""Risks a higher app adds to the account summary's risk card, registered from its AppConfig.ready().

accounts knows nothing of the apps above it: planning registers its stale-plan signals with
`register_risk_source`; `accounts.selectors.account_risks` appends what every source reads.
A source is `read(*, account, today, key_contacts) -> list[dict]`, each dict with a `kind` the card knows how
to show; `key_contacts` are the account's active decision makers, Foxes and Kingpins by name, each with its
`last_interaction` (what the card read already).
"""

import datetime
from collections.abc import Callable

_SOURCES: dict[str, Callable[..., list[dict]]] = {}


def register_risk_source(key: str, read: Callable[..., list[dict]]) -> None:
    _SOURCES[key] = read


def registered_risks(*, account, today: datetime.date, key_contacts: list) -> list[dict]:
    return [risk for read in _SOURCES.values() for risk in read(account=account, today=today, key_contacts=key_contacts)]
