"""Sections a higher app adds to the account page and the home page, registered from its AppConfig.ready().

accounts knows nothing of the apps above it: planning registers the account page's "Account plan"
card and the home page's "My work" panel here. A section is a template and a `read` that answers its
context (or None to show nothing) in a fixed number of queries; the page includes each registered
template with that context as `section`.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Section:
    key: str
    template: str
    read: Callable[..., Any]


@dataclass(frozen=True)
class ShownSection:
    template: str
    context: Any


_ACCOUNT: dict[str, Section] = {}
_HOME: dict[str, Section] = {}


def register_account_section(section: Section) -> None:
    """`read(account=, user=, today=)`: shown on the account page's summary (registering a key again replaces it)."""
    _ACCOUNT[section.key] = section


def register_home_section(section: Section) -> None:
    """`read(user=, today=)`: shown above the home page's account list (registering a key again replaces it)."""
    _HOME[section.key] = section


def _shown(sections, **kwargs) -> list[ShownSection]:
    shown = []
    for section in sections:
        context = section.read(**kwargs)
        if context is not None:
            shown.append(ShownSection(template=section.template, context=context))
    return shown


def account_sections(*, account, user, today: datetime.date) -> list[ShownSection]:
    return _shown(_ACCOUNT.values(), account=account, user=user, today=today)


def home_sections(*, user, today: datetime.date) -> list[ShownSection]:
    return _shown(_HOME.values(), user=user, today=today)
