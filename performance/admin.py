from django import forms
from django.core.exceptions import ValidationError
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.models import Order, RevenueLine
from performance.models import (
    ImportBatch,
    KpiDefinition,
    KpiSnapshot,
    KpiTarget,
    ManualActual,
    NpsResponse,
    PersonalGoal,
    TimeEntry,
)
from performance.revenue import revenue_line_delete, revenue_line_problems, revenue_line_save, revenue_lines_delete
from performance.services import order_save, orders_delete


@admin.register(KpiDefinition)
class KpiDefinitionAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "name_ko",
        "unit",
        "direction",
        "source",
        "on_track_percent",
        "at_risk_percent",
        "show_on_dashboard",
        "sort_order",
        "is_active",
    )
    list_editable = ("on_track_percent", "at_risk_percent", "show_on_dashboard", "sort_order", "is_active")
    list_filter = ("source", "unit", "show_on_dashboard", "is_active")
    search_fields = ("code", "name", "name_ko")
    fieldsets = (
        (None, {"fields": ("code", "name", "name_ko", "formula", "formula_ko")}),
        (_("How it is measured"), {"fields": ("unit", "direction", "source", "rollup")}),
        (_("Which teams"), {"fields": ("applies_to_sales", "applies_to_operations", "applies_to_mixed")}),
        (_("Status thresholds"), {"fields": ("on_track_percent", "at_risk_percent")}),
        (_("Display"), {"fields": ("show_on_dashboard", "sort_order", "is_active")}),
    )

    def get_readonly_fields(self, request, obj=None):
        # A computed KPI's code and source name its calculator in the code: they cannot change.
        if obj is not None and obj.is_computed:
            return ("code", "source", "unit", "rollup")
        return ()

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_computed:
            return False
        return super().has_delete_permission(request, obj)


class PeriodValueAdmin(admin.ModelAdmin):
    list_display = ("account", "kpi", "fiscal_year", "period_kind", "period_index", "value", "updated_at")
    list_filter = ("kpi", "fiscal_year", "period_kind", "account__is_key_account")
    search_fields = ("account__name", "account__english_name")
    list_select_related = ("account", "kpi")
    autocomplete_fields = ("account",)


@admin.register(KpiTarget)
class KpiTargetAdmin(PeriodValueAdmin):
    readonly_fields = ("set_by",)

    def save_model(self, request, obj, form, change):
        obj.set_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ManualActual)
class ManualActualAdmin(PeriodValueAdmin):
    readonly_fields = ("recorded_by",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "kpi":
            kwargs["queryset"] = KpiDefinition.objects.filter(source=KpiDefinition.Source.MANUAL)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(PersonalGoal)
class PersonalGoalAdmin(admin.ModelAdmin):
    list_display = ("user", "account", "kpi", "fiscal_year", "month", "value", "updated_at")
    list_filter = ("kpi", "fiscal_year", "month", "account__is_key_account")
    search_fields = ("account__name", "account__english_name", "user__username", "user__first_name", "user__last_name")
    list_select_related = ("account", "user", "kpi")
    autocomplete_fields = ("account", "user")
    readonly_fields = ("set_by",)

    def save_model(self, request, obj, form, change):
        obj.set_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(NpsResponse)
class NpsResponseAdmin(admin.ModelAdmin):
    list_display = ("account", "respondent_name", "score", "responded_on", "survey")
    list_filter = ("score", "survey", "account__is_key_account")
    search_fields = ("account__name", "respondent_name", "comment")
    date_hierarchy = "responded_on"
    list_select_related = ("account",)
    autocomplete_fields = ("account", "contact")
    readonly_fields = ("recorded_by",)


@admin.register(TimeEntry)
class TimeEntryAdmin(admin.ModelAdmin):
    list_display = ("account", "user", "worked_on", "kind", "hours")
    list_filter = ("kind",)
    search_fields = ("account__name", "user__username", "user__first_name", "user__last_name")
    date_hierarchy = "worked_on"
    list_select_related = ("account", "user")
    autocomplete_fields = ("account", "user")


@admin.register(KpiSnapshot)
class KpiSnapshotAdmin(admin.ModelAdmin):
    list_display = ("as_of", "account", "kpi", "period_kind", "fiscal_year", "period_index", "actual", "target", "status")
    list_filter = ("as_of", "period_kind", "status", "kpi")
    search_fields = ("account__name", "account__english_name")
    list_select_related = ("account", "kpi")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ("uploaded_at", "kind", "filename", "uploaded_by", "status", "row_count", "new_count", "error_count")
    list_filter = ("kind", "status")
    search_fields = ("filename",)
    list_select_related = ("uploaded_by",)
    exclude = ("rows", "report")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# Orders and revenue lines are accounts' models; their writes are performance's services (the order's own
# revenue line, the refresh of revenue, Pareto classes and KPI snapshots), so their admin is here.
@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("reference", "account", "offering", "ordered_on", "amount", "cost", "sales_rep")
    list_filter = ("offering",)
    search_fields = ("reference", "account__name", "sales_rep__username", "sales_rep__first_name", "sales_rep__last_name")
    date_hierarchy = "ordered_on"
    list_select_related = ("account", "offering", "sales_rep")
    autocomplete_fields = ("account", "offering", "sales_rep")

    def save_model(self, request, obj, form, change):
        order_save(order=obj, acting_user=request.user)

    def delete_model(self, request, obj):
        orders_delete(orders=[obj], acting_user=request.user)

    def delete_queryset(self, request, queryset):
        orders_delete(orders=list(queryset), acting_user=request.user)


class RevenueLineAdminForm(forms.ModelForm):
    class Meta:
        model = RevenueLine
        fields = "__all__"

    def _post_clean(self):
        # After the instance has the form's values: the write's own rules, shown on their fields.
        super()._post_clean()
        if not self.errors:
            try:
                revenue_line_problems(line=self.instance)
            except ValidationError as exc:
                self._update_errors(exc)


@admin.register(RevenueLine)
class RevenueLineAdmin(admin.ModelAdmin):
    form = RevenueLineAdminForm
    list_display = ("reference", "account", "month", "amount", "cost", "order", "source")
    list_filter = (("month", admin.DateFieldListFilter), "source", "account__pareto_class")
    search_fields = ("reference", "account__name", "order__reference")
    date_hierarchy = "month"
    # An order names its account: both come with the row.
    list_select_related = ("account", "order__account")
    autocomplete_fields = ("account", "order")
    # Set by the write: a line saved here is recorded.
    readonly_fields = ("source",)

    def save_model(self, request, obj, form, change):
        revenue_line_save(line=obj, acting_user=request.user)

    def delete_model(self, request, obj):
        revenue_line_delete(line=obj, acting_user=request.user)

    def delete_queryset(self, request, queryset):
        revenue_lines_delete(lines=queryset, acting_user=request.user)
