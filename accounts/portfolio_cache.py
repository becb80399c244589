"""Portfolio-wide aggregates (the weekly dashboard, the Pareto view) cached until the next write.

These pages add up every account a user may see, so they cost more as the company grows; the data
they read changes far less often than they are opened. `cached()` stores a computed value under
the current `PortfolioStamp` token, and every write those pages read from calls `bump()`, which
changes the token: the next request computes afresh. Single saves and deletes bump through the
signals wired in `connect_signals()`; bulk writes (snapshot refresh, revenue refresh, running plans)
call `bump()` themselves. The token lives in the database, so the cache may be each process's own
memory or a shared Redis: no process can serve a value computed before a write it can see.
"""

import hashlib
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

PORTFOLIO = "portfolio"
TIMEOUT = 6 * 60 * 60  # a stale token's entries simply age out

# Models whose single saves and deletes change what the portfolio pages show.
WATCHED = (
    "accounts.Account",
    "accounts.AccountTeamMember",
    "accounts.BusinessUnit",
    "accounts.PricingTier",
    "accounts.Opportunity",
    "performance.KpiDefinition",
    "planning.AccountPlan",
)


def stamp() -> str:
    from accounts.models import PortfolioStamp

    token = PortfolioStamp.objects.filter(name=PORTFOLIO).values_list("token", flat=True).first()
    return token or "-"


def bump() -> None:
    """Make every cached portfolio value stale (call after a bulk write the signals do not see)."""
    from accounts.models import PortfolioStamp

    token = uuid.uuid4().hex
    if not PortfolioStamp.objects.filter(name=PORTFOLIO).update(token=token):
        PortfolioStamp.objects.update_or_create(name=PORTFOLIO, defaults={"token": token})


def cached(parts: tuple, compute: Callable[[], Any]) -> Any:
    """The value for these key parts under the current token, computed and stored on a miss."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    key = f"portfolio:{stamp()}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


def _changed(sender, **kwargs) -> None:
    bump()


def _user_changed(sender, update_fields=None, **kwargs) -> None:
    # Names show on the dashboard (KAM column); a login only writes last_login.
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    bump()


def connect_signals() -> None:
    from django.conf import settings

    for model in WATCHED:
        post_save.connect(_changed, sender=model, dispatch_uid=f"portfolio-save-{model}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"portfolio-delete-{model}")
    post_save.connect(_user_changed, sender=settings.AUTH_USER_MODEL, dispatch_uid="portfolio-save-user")
    # Snapshots are written in bulk by `snapshots_refresh` (which bumps); a single save is rare.
    post_save.connect(_changed, sender="performance.KpiSnapshot", dispatch_uid="portfolio-save-snapshot")
