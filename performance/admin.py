from django.contrib import admin
from django.utils.translation import gettext_lazy as _

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
