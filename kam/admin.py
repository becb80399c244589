from django.contrib.admin import AdminSite
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.login_throttle import ThrottledAdminAuthenticationForm
from accounts.roles import is_admin


class KamAdminSite(AdminSite):
    """The Django admin, open to the Admin role only (not to every staff user)."""

    site_header = _("KAM Planner administration")
    site_title = _("KAM Planner admin")
    index_title = _("Organisation, catalogue and mappings")
    login_form = ThrottledAdminAuthenticationForm

    def has_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and is_admin(request.user)
