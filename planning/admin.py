from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin_widgets import KnownNamesInlineMixin
from planning.models import AccountPlan, AgendaItem, ConsensusMeeting, Decision, PlanVersion, QuarterlyReview


@admin.register(AccountPlan)
class AccountPlanAdmin(SimpleHistoryAdmin):
    list_display = ("account", "fiscal_year", "status", "revision", "owner", "updated_at")
    list_filter = ("status", "fiscal_year", "account__is_key_account", "account__vertical_unit")
    search_fields = ("account__name", "account__english_name", "owner__username", "owner__first_name", "owner__last_name")
    list_select_related = ("account", "owner")
    # Plans change through their pages (planning.services), where the state machine is enforced;
    # the plan's KAM is its account's KAM (change the account's team instead).
    readonly_fields = ("status", "revision", "lock_version", "approved_version", "owner")
    autocomplete_fields = ("account", "previous_plan", "org_reviewed_by", "created_by", "updated_by")
    autocomplete_select_related = ("account",)


class AgendaItemInline(KnownNamesInlineMixin, admin.TabularInline):
    model = AgendaItem
    extra = 0
    autocomplete_fields = ("version", "added_by")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("version__plan__account", "added_by")


@admin.register(ConsensusMeeting)
class ConsensusMeetingAdmin(admin.ModelAdmin):
    list_display = ("title", "scheduled_for", "status", "chair", "location")
    list_filter = ("status",)
    search_fields = ("title", "location")
    list_select_related = ("chair",)
    autocomplete_fields = ("chair", "closed_by", "created_by")
    inlines = [AgendaItemInline]


class FrozenAdmin(admin.ModelAdmin):
    """A record that never changes once written (a submitted version, a decision): the admin only shows it."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PlanVersion)
class PlanVersionAdmin(FrozenAdmin):
    list_display = ("plan", "number", "revision", "submitted_by", "submitted_at")
    list_filter = ("plan__fiscal_year",)
    search_fields = ("plan__account__name", "plan__account__english_name")
    list_select_related = ("plan__account", "submitted_by")
    autocomplete_select_related = ("plan__account",)
    readonly_fields = ("plan", "number", "revision", "snapshot", "submitted_by", "submitted_at")


@admin.register(Decision)
class DecisionAdmin(FrozenAdmin):
    list_display = ("version", "outcome", "decided_by", "decided_at")
    list_filter = ("outcome",)
    search_fields = ("version__plan__account__name",)
    list_select_related = ("version__plan__account", "decided_by")
    readonly_fields = ("version", "outcome", "decided_by", "decided_at")


@admin.register(QuarterlyReview)
class QuarterlyReviewAdmin(SimpleHistoryAdmin):
    list_display = ("plan", "quarter", "status", "due_on", "owner")
    list_filter = ("status", "quarter", "plan__fiscal_year")
    search_fields = ("plan__account__name", "plan__account__english_name")
    list_select_related = ("plan__account", "owner")
    autocomplete_fields = ("plan", "owner", "signed_off_by")
