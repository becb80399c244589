from django.contrib.admin import AdminSite
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.login_throttle import ThrottledAdminAuthenticationForm
from accounts.roles import is_admin


class NamedAutocompleteJsonView(AutocompleteJsonView):
    """The admin's autocomplete answers, named as a person reads them.

    A ModelAdmin may set `autocomplete_select_related` (relations its names read, fetched in the same
    query) and `autocomplete_label(obj)` (e.g. "Hanbit Electronics · Purchasing" for a customer's org
    unit, whose own name repeats across accounts); without them the object's `str()` is shown.
    """

    def get_queryset(self):
        queryset = super().get_queryset()
        related = getattr(self.model_admin, "autocomplete_select_related", ())
        return queryset.select_related(*related) if related else queryset

    def serialize_result(self, obj, to_field_name):
        label = getattr(self.model_admin, "autocomplete_label", None)
        return {"id": str(getattr(obj, to_field_name)), "text": label(obj) if label else str(obj)}


class KamAdminSite(AdminSite):
    """The Django admin, open to the Admin role only (not to every staff user)."""

    site_header = _("KAM Planner administration")
    site_title = _("KAM Planner admin")
    index_title = _("Organisation, catalogue and mappings")
    login_form = ThrottledAdminAuthenticationForm

    def has_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and is_admin(request.user)

    def autocomplete_view(self, request):
        return NamedAutocompleteJsonView.as_view(admin_site=self)(request)
