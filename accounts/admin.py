from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import (
    Account,
    AccountRisk,
    AccountTeamMember,
    BusinessUnit,
    Contact,
    CustomerActivity,
    Interaction,
    GradeChange,
    IncentiveProgram,
    Offering,
    Opportunity,
    OpportunityMove,
    Order,
    OrgChange,
    OrgUnit,
    PricingTier,
    Relationship,
    RevenueLine,
    UnmetNeed,
    User,
)
from accounts.services import account_risk_save, team_kam_count_error


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (*DjangoUserAdmin.fieldsets, (_("Our organisation"), {"fields": ("business_unit", "job_title", "level")}))
    list_display = ("username", "first_name", "last_name", "business_unit", "job_title", "level", "is_active")
    list_filter = ("groups", "business_unit", "level", "is_active")
    list_select_related = ("business_unit",)


@admin.register(BusinessUnit)
class BusinessUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "parent")
    list_filter = ("kind",)
    search_fields = ("name",)


@admin.register(PricingTier)
class PricingTierAdmin(admin.ModelAdmin):
    list_display = ("name", "rank", "discount_percent", "min_annual_amount")


class TeamMemberForm(forms.ModelForm):
    def _get_validation_exclusions(self):
        # The one-KAM rule is checked across the whole team by TeamFormSet, so that the KAM can be
        # replaced in one save (the database constraint still holds: TeamFormSet saves the KAM last).
        exclude = super()._get_validation_exclusions()
        exclude.add("role")
        return exclude


class TeamFormSet(BaseInlineFormSet):
    """An account team saved in the admin has exactly one KAM: removing the KAM means naming another."""

    @property
    def initial_forms(self):
        # Save the KAM's row after the others, so the previous KAM is demoted before the new one is named.
        forms = super().initial_forms
        return sorted(forms, key=lambda form: form.cleaned_data.get("role") == AccountTeamMember.Role.KAM
                      if getattr(form, "cleaned_data", None) else False)

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        roles = [
            form.cleaned_data.get("role")
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        message = team_kam_count_error(roles)
        if message:
            raise ValidationError(message)


class TeamInline(admin.TabularInline):
    model = AccountTeamMember
    form = TeamMemberForm
    formset = TeamFormSet
    extra = 0
    autocomplete_fields = ("user",)


class HasKamFilter(admin.SimpleListFilter):
    title = _("key account manager (KAM)")
    parameter_name = "has_kam"

    def lookups(self, request, model_admin):
        return [("yes", _("Has a KAM")), ("no", _("No KAM"))]

    def queryset(self, request, queryset):
        has_kam = Exists(AccountTeamMember.objects.filter(account=OuterRef("pk"), role=AccountTeamMember.Role.KAM))
        if self.value() == "yes":
            return queryset.filter(has_kam)
        if self.value() == "no":
            return queryset.exclude(has_kam)
        return queryset


class OrgUnitInline(admin.TabularInline):
    model = OrgUnit
    extra = 0
    fk_name = "account"

    def get_formset(self, request, obj=None, **kwargs):
        self._account = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A parent is one of this account's units (OrgUnit.clean refuses any other).
        if db_field.name == "parent":
            kwargs["queryset"] = OrgUnit.objects.filter(account=getattr(self, "_account", None))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ("name", "title", "org_unit", "reports_to", "level", "is_decision_maker", "is_fox", "is_kingpin", "status")
    fk_name = "account"
    show_change_link = True

    def get_formset(self, request, obj=None, **kwargs):
        self._account = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only this account's units and people are offered.
        account = getattr(self, "_account", None)
        if db_field.name == "org_unit":
            kwargs["queryset"] = OrgUnit.objects.filter(account=account)
        if db_field.name == "reports_to":
            kwargs["queryset"] = Contact.objects.filter(account=account)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Account)
class AccountAdmin(SimpleHistoryAdmin):
    list_display = ("name", "english_name", "industry", "vertical_unit", "grade", "is_key_account", "kam_display", "revenue_ttm")
    list_filter = ("industry", "vertical_unit", "grade", "is_key_account", "team_type", HasKamFilter)
    search_fields = ("name", "english_name")
    list_select_related = ("vertical_unit", "grade")
    readonly_fields = ("revenue_ttm", "profit_ttm", "pareto_class", "revenue_refreshed_at")
    inlines = [TeamInline, OrgUnitInline, ContactInline]

    def get_queryset(self, request):
        kams = AccountTeamMember.objects.filter(role=AccountTeamMember.Role.KAM).select_related("user")
        return super().get_queryset(request).prefetch_related(Prefetch("team", queryset=kams))

    @admin.display(description=_("KAM"))
    def kam_display(self, obj):
        kam = obj.kam
        if kam is None:
            return format_html('<strong style="color:#b02a37">⚠ {}</strong>', _("No KAM"))
        return str(kam)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.kam is None:
            messages.warning(request, _("This account has no key account manager (KAM): name one in the team below."))
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "account", "parent", "is_purchasing")
    list_filter = ("is_purchasing",)
    search_fields = ("name", "account__name")
    list_select_related = ("account", "parent")
    autocomplete_fields = ("account",)

    def get_form(self, request, obj=None, change=False, **kwargs):
        self._unit = obj
        return super().get_form(request, obj, change=change, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # On change the parent list holds the unit's account's other units; on add any unit is
        # listed and OrgUnit.clean refuses one of another account with a message on `parent`.
        unit = getattr(self, "_unit", None)
        if db_field.name == "parent" and unit is not None:
            kwargs["queryset"] = OrgUnit.objects.filter(account_id=unit.account_id).exclude(pk=unit.pk).select_related("account")
        elif db_field.name == "parent":
            kwargs["queryset"] = OrgUnit.objects.select_related("account").order_by("account__name", "name")
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            field.label_from_instance = lambda parent: f"{parent.account.name} · {parent.name}"
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("name", "title", "account", "org_unit", "level", "attitude", "influence", "status")
    list_filter = ("level", "attitude", "status", "is_decision_maker", "is_fox", "is_kingpin")
    search_fields = ("name", "title", "account__name")
    list_select_related = ("account", "org_unit")
    autocomplete_fields = ("account",)
    raw_id_fields = ("reports_to", "org_unit")


@admin.register(Relationship)
class RelationshipAdmin(admin.ModelAdmin):
    list_display = ("user", "contact", "strength")
    search_fields = ("user__username", "contact__name")
    list_select_related = ("user", "contact")
    raw_id_fields = ("contact",)


@admin.register(OrgChange)
class OrgChangeAdmin(admin.ModelAdmin):
    list_display = ("happened_on", "account", "kind", "description", "recorded_by")
    list_filter = ("kind",)
    search_fields = ("description", "account__name")
    list_select_related = ("account", "recorded_by")


@admin.register(Offering)
class OfferingAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "owner_unit", "is_key_account_special", "has_24x7_support", "is_active")
    list_filter = ("kind", "owner_unit", "is_key_account_special", "has_24x7_support", "is_active")
    search_fields = ("name",)


@admin.register(IncentiveProgram)
class IncentiveProgramAdmin(admin.ModelAdmin):
    list_display = ("name", "target_amount", "discount_percent", "valid_from", "valid_to")
    filter_horizontal = ("accounts",)


class OpportunityMoveInline(admin.TabularInline):
    model = OpportunityMove
    extra = 0
    readonly_fields = ("from_tier", "to_tier", "from_stage", "to_stage", "moved_by", "moved_at", "note")
    can_delete = False


@admin.register(Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    list_display = ("name", "account", "tier", "stage", "amount", "probability", "expected_close_date")
    list_filter = ("tier", "stage")
    search_fields = ("name", "account__name")
    list_select_related = ("account",)
    autocomplete_fields = ("account",)
    raw_id_fields = ("sponsor_unit", "owner")
    filter_horizontal = ("offerings",)
    inlines = [OpportunityMoveInline]


@admin.register(UnmetNeed)
class UnmetNeedAdmin(admin.ModelAdmin):
    list_display = ("account", "org_unit", "offering", "note", "updated_at")
    search_fields = ("note", "account__name")
    list_select_related = ("account", "org_unit", "offering")
    raw_id_fields = ("account", "org_unit")


@admin.register(GradeChange)
class GradeChangeAdmin(admin.ModelAdmin):
    list_display = ("changed_on", "account", "from_grade", "to_grade", "reason", "changed_by")
    list_select_related = ("account", "from_grade", "to_grade", "changed_by")
    search_fields = ("account__name", "reason")
    raw_id_fields = ("account",)


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    list_display = ("occurred_on", "account", "kind", "note", "recorded_by")
    list_filter = ("kind",)
    search_fields = ("note", "next_step", "reference", "account__name")
    list_select_related = ("account", "recorded_by")
    raw_id_fields = ("account", "their_attendees", "activity", "recorded_by")
    filter_horizontal = ("our_attendees",)


@admin.register(CustomerActivity)
class CustomerActivityAdmin(admin.ModelAdmin):
    list_display = ("starts_on", "account", "kind", "title", "resolved_on")
    list_filter = ("kind",)
    search_fields = ("title", "account__name")
    list_select_related = ("account",)
    raw_id_fields = ("account", "contacts")
    filter_horizontal = ("our_people",)


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("reference", "account", "offering", "ordered_on", "amount", "cost")
    list_filter = ("offering",)
    search_fields = ("reference", "account__name")
    date_hierarchy = "ordered_on"
    list_select_related = ("account", "offering")
    autocomplete_fields = ("account",)


@admin.register(RevenueLine)
class RevenueLineAdmin(admin.ModelAdmin):
    list_display = ("reference", "account", "month", "amount", "cost", "order")
    list_filter = (("month", admin.DateFieldListFilter), "account__pareto_class")
    search_fields = ("reference", "account__name", "order__reference")
    date_hierarchy = "month"
    list_select_related = ("account", "order")
    autocomplete_fields = ("account",)
    raw_id_fields = ("order",)


@admin.register(AccountRisk)
class AccountRiskAdmin(admin.ModelAdmin):
    list_display = ("title", "account", "owner_side", "impact", "likelihood", "status", "shared_with_customer", "raised_on")
    list_filter = ("status", "owner_side", "impact", "shared_with_customer")
    search_fields = ("title", "account__name")
    list_select_related = ("account",)
    autocomplete_fields = ("account",)
    raw_id_fields = ("owner_user", "owner_contact")
    # Set by the service: the closing date when the status is closed, and who recorded the risk.
    readonly_fields = ("closed_on", "recorded_by")

    def save_model(self, request, obj, form, change):
        account_risk_save(risk=obj, acting_user=request.user)
