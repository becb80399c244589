from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from accounts import tier_totals
        from accounts.portfolio_cache import connect_signals

        connect_signals()
        tier_totals.connect_signals()
