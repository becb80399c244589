from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Prefetch
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
    OrganisationEvent,
    OrgChange,
    OrgUnit,
    PricingTier,
    Relationship,
    RevenueLine,
    UnmetNeed,
    User,
    full_name_expression,
)
from accounts import services_org
from core.admin_widgets import KnownNamesForm, KnownNamesInlineMixin
from accounts.roles import Role as UserRole
from accounts.services import account_risk_save, team_kam_count_error


def _unit_label(unit: OrgUnit) -> str:
    # A customer's unit names repeat across accounts (every customer has a "Purchasing"): say whose it is.
    return f"{unit.account.name} · {unit.name}"


def _contact_label(contact: Contact) -> str:
    return f"{contact.name} · {contact.account.name}"


def _cached_choices(field):
    """Evaluate a select's choices once per form class: every inline row then reuses them instead of
    querying again (the rows' selects list the same few units of one account)."""
    if field is not None and hasattr(field, "queryset"):
        field.choices = list(field.choices)
    return field


class PersonChangeForm(UserChangeForm):
    """Unticking "active" deactivates the person through `services_org.user_deactivate` (off every
    account team, recorded); refused with the reason while they are an account's KAM."""

    acting_user: User | None = None

    def clean_is_active(self):
        active = self.cleaned_data.get("is_active")
        if self.instance.pk and self.instance.is_active and not active and self.acting_user is not None:
            message = services_org.deactivation_error(person=self.instance, acting_user=self.acting_user)
            if message:
                raise ValidationError(message)
        return active


class RolesFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return UserRole.choices

    def queryset(self, request, queryset):
        if self.value() in UserRole.values:
            return queryset.filter(groups__name=self.value())
        return queryset


class IsKamFilter(admin.SimpleListFilter):
    title = _("key account manager (KAM)")
    parameter_name = "is_kam"

    def lookups(self, request, model_admin):
        return [("yes", _("KAM of an account")), ("no", _("KAM of no account"))]

    def queryset(self, request, queryset):
        is_kam = Exists(AccountTeamMember.objects.filter(user=OuterRef("pk"), role=AccountTeamMember.Role.KAM))
        if self.value() == "yes":
            return queryset.filter(is_kam)
        if self.value() == "no":
            return queryset.exclude(is_kam)
        return queryset


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = PersonChangeForm
    fieldsets = (*DjangoUserAdmin.fieldsets, (_("Our organisation"), {"fields": ("business_unit", "job_title", "level", "language")}))
    list_display = ("username", "full_name", "email", "business_unit", "level", "roles", "is_active", "last_login")
    list_filter = (RolesFilter, "level", "is_active", IsKamFilter, "business_unit")
    search_fields = ("username", "first_name", "last_name", "email", "job_title")
    list_select_related = ("business_unit",)
    autocomplete_fields = ("business_unit",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def get_search_results(self, request, queryset, search_term):
        """Also finds a person by their name as written (김서연: family name first, no space)."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term:
            named = self.model.objects.alias(full=full_name_expression()).filter(full__icontains=term)
            results = results | queryset.filter(pk__in=named.values("pk"))
        if request.GET.get("model_name") == "accountteammember":
            # The team pickers offer active people only: a deactivated person is on no account team.
            results = results.filter(is_active=True)
        return results, may_have_duplicates

    @admin.display(description=_("name"), ordering="last_name")
    def full_name(self, obj):
        return obj.get_full_name()

    @admin.display(description=_("roles"))
    def roles(self, obj):
        return ", ".join(str(UserRole(g.name).label) if g.name in UserRole.values else g.name for g in obj.groups.all())

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"acting_user": request.user}) if obj is not None else form

    def save_model(self, request, obj, form, change):
        deactivating = change and "is_active" in form.changed_data and not obj.is_active
        if deactivating:
            obj.is_active = True  # the service deactivates, once it has taken them off their teams
        super().save_model(request, obj, form, change)
        if deactivating:
            left = services_org.user_deactivate(person=obj, acting_user=request.user)
            obj.is_active = False
            if left:
                messages.info(request, _("%(name)s is deactivated and off the teams of %(accounts)s.") % {"name": obj, "accounts": ", ".join(left)})
            else:
                messages.info(request, _("%(name)s is deactivated (on no account team).") % {"name": obj})


@admin.register(BusinessUnit)
class BusinessUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "parent", "account_count", "people_count", "is_active")
    ordering = ("kind", "name")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "description")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    readonly_fields = ("closed_at",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            n_accounts=Count("accounts", distinct=True), n_people=Count("members", distinct=True)
        )

    @admin.display(description=_("accounts"), ordering="n_accounts")
    def account_count(self, obj):
        return obj.n_accounts

    @admin.display(description=_("people"), ordering="n_people")
    def people_count(self, obj):
        return obj.n_people


@admin.register(PricingTier)
class PricingTierAdmin(admin.ModelAdmin):
    list_display = ("name", "rank", "discount_percent", "min_annual_amount")
    search_fields = ("name",)
    ordering = ("rank",)


class TeamMemberForm(KnownNamesForm):
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


class TeamInline(KnownNamesInlineMixin, admin.TabularInline):
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
            return _cached_choices(super().formfield_for_foreignkey(db_field, request, **kwargs))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ContactInline(admin.TabularInline):
    """The account's people, for quick repairs; whom each reports to is set on the contact's own page
    (a list of every colleague on every row would grow with the square of the org chart)."""

    model = Contact
    extra = 0
    fields = ("name", "title", "org_unit", "level", "is_decision_maker", "is_fox", "is_kingpin", "status")
    fk_name = "account"
    show_change_link = True

    def get_formset(self, request, obj=None, **kwargs):
        self._account = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only this account's units are offered.
        if db_field.name == "org_unit":
            kwargs["queryset"] = OrgUnit.objects.filter(account=getattr(self, "_account", None))
            return _cached_choices(super().formfield_for_foreignkey(db_field, request, **kwargs))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Account)
class AccountAdmin(SimpleHistoryAdmin):
    list_display = (
        "name", "english_name", "industry", "vertical_unit", "grade", "is_key_account", "lifecycle", "team_type", "kam_display",
        "revenue_ttm",
    )
    list_filter = (
        "lifecycle", "is_key_account", HasKamFilter, "vertical_unit", "industry", "grade", "team_type", "kind", "pareto_class",
    )
    search_fields = ("name", "english_name")
    list_select_related = ("vertical_unit", "grade")
    autocomplete_fields = ("parent", "vertical_unit")
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

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, TeamInline):
            # The KAM check reads each member's role; the user picker shows each member's name.
            kwargs["queryset"] = kwargs["queryset"].select_related("user")
        return kwargs

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.kam is None:
            messages.warning(request, _("This account has no key account manager (KAM): name one in the team below."))
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)


@admin.register(AccountTeamMember)
class AccountTeamMemberAdmin(admin.ModelAdmin):
    """Who is on which account team, across accounts (read only: teams change on the account's page
    or in the organisation workspace, where the one-KAM rule and the history are kept)."""

    list_display = ("account", "user", "role", "vertical_unit", "is_key_account")
    list_filter = ("role", "account__is_key_account", "account__vertical_unit")
    search_fields = ("account__name", "account__english_name", "user__username", "user__first_name", "user__last_name")
    list_select_related = ("account__vertical_unit", "user")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("vertical unit"), ordering="account__vertical_unit__name")
    def vertical_unit(self, obj):
        return obj.account.vertical_unit

    @admin.display(description=_("key account"), boolean=True, ordering="account__is_key_account")
    def is_key_account(self, obj):
        return obj.account.is_key_account


@admin.register(OrganisationEvent)
class OrganisationEventAdmin(admin.ModelAdmin):
    """The organisation's history, as the workspace records it: read only."""

    list_display = ("happened_at", "kind", "subject", "before", "after", "acting_user")
    list_filter = ("kind",)
    search_fields = ("subject", "before", "after")
    list_select_related = ("acting_user",)
    date_hierarchy = "happened_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "account", "parent", "is_purchasing")
    list_filter = ("is_purchasing", "account__is_key_account")
    search_fields = ("name", "account__name", "account__english_name")
    list_select_related = ("account", "parent")
    autocomplete_select_related = ("account",)
    autocomplete_label = staticmethod(_unit_label)

    def get_autocomplete_fields(self, request):
        # A new unit's parent is found by typing (any account's units; OrgUnit.clean refuses another
        # account's); an existing unit's parent is chosen from its account's units.
        return ("account", "parent") if getattr(self, "_unit", None) is None else ("account",)

    def get_form(self, request, obj=None, change=False, **kwargs):
        self._unit = obj
        return super().get_form(request, obj, change=change, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        unit = getattr(self, "_unit", None)
        if db_field.name == "parent":
            if unit is not None:
                kwargs["queryset"] = OrgUnit.objects.filter(account_id=unit.account_id).exclude(pk=unit.pk).select_related("account")
            else:
                kwargs["queryset"] = OrgUnit.objects.select_related("account")
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            field.label_from_instance = _unit_label
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("name", "title", "account", "org_unit", "level", "is_decision_maker", "attitude", "influence", "status")
    list_filter = ("level", "status", "is_decision_maker", "is_kingpin", "is_fox", "attitude", "account__is_key_account")
    search_fields = ("name", "title", "email", "account__name", "account__english_name")
    list_select_related = ("account", "org_unit")
    autocomplete_fields = ("account", "org_unit", "reports_to")
    autocomplete_select_related = ("account",)
    autocomplete_label = staticmethod(_contact_label)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in ("org_unit", "reports_to"):
            kwargs["queryset"] = db_field.related_model.objects.select_related("account")
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            field.label_from_instance = _unit_label if db_field.name == "org_unit" else _contact_label
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Relationship)
class RelationshipAdmin(admin.ModelAdmin):
    list_display = ("user", "contact", "contact_account", "strength")
    list_filter = ("strength",)
    search_fields = ("user__username", "user__first_name", "user__last_name", "contact__name", "contact__account__name")
    list_select_related = ("user", "contact__account")
    autocomplete_fields = ("user", "contact")

    @admin.display(description=_("account"), ordering="contact__account__name")
    def contact_account(self, obj):
        return obj.contact.account


@admin.register(OrgChange)
class OrgChangeAdmin(admin.ModelAdmin):
    list_display = ("happened_on", "account", "kind", "description", "recorded_by")
    list_filter = ("kind",)
    search_fields = ("description", "account__name")
    list_select_related = ("account", "recorded_by")
    autocomplete_fields = ("account", "contact", "org_unit", "recorded_by")
    date_hierarchy = "happened_on"


@admin.register(Offering)
class OfferingAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "owner_unit", "is_key_account_special", "has_24x7_support", "is_active")
    list_filter = ("kind", "is_active", "is_key_account_special", "has_24x7_support", "owner_unit")
    search_fields = ("name",)
    list_select_related = ("owner_unit",)
    autocomplete_fields = ("owner_unit",)


@admin.register(IncentiveProgram)
class IncentiveProgramAdmin(admin.ModelAdmin):
    list_display = ("name", "target_amount", "discount_percent", "valid_from", "valid_to", "account_count")
    search_fields = ("name",)
    autocomplete_fields = ("accounts",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_accounts=Count("accounts"))

    @admin.display(description=_("accounts"), ordering="n_accounts")
    def account_count(self, obj):
        return obj.n_accounts


class OpportunityMoveInline(admin.TabularInline):
    model = OpportunityMove
    extra = 0
    readonly_fields = ("from_tier", "to_tier", "from_stage", "to_stage", "moved_by", "moved_at", "note")
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("moved_by")


@admin.register(Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    list_display = ("name", "account", "tier", "stage", "amount", "probability", "expected_close_date", "owner")
    list_filter = ("tier", "stage", "account__is_key_account")
    search_fields = ("name", "account__name", "account__english_name")
    list_select_related = ("account", "owner")
    autocomplete_fields = ("account", "sponsor_unit", "owner", "offerings")
    inlines = [OpportunityMoveInline]


@admin.register(UnmetNeed)
class UnmetNeedAdmin(admin.ModelAdmin):
    list_display = ("account", "org_unit", "offering", "note", "updated_at")
    search_fields = ("note", "account__name")
    list_select_related = ("account", "org_unit", "offering")
    autocomplete_fields = ("account", "org_unit", "offering", "recorded_by")


@admin.register(GradeChange)
class GradeChangeAdmin(admin.ModelAdmin):
    list_display = ("changed_on", "account", "from_grade", "to_grade", "reason", "changed_by")
    list_filter = ("to_grade",)
    list_select_related = ("account", "from_grade", "to_grade", "changed_by")
    search_fields = ("account__name", "reason")
    autocomplete_fields = ("account", "changed_by")
    date_hierarchy = "changed_on"


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    list_display = ("occurred_on", "account", "kind", "note", "recorded_by")
    list_filter = ("kind",)
    search_fields = ("note", "next_step", "reference", "account__name")
    list_select_related = ("account", "recorded_by")
    autocomplete_fields = ("account", "our_attendees", "their_attendees", "activity", "recorded_by")
    date_hierarchy = "occurred_on"


@admin.register(CustomerActivity)
class CustomerActivityAdmin(admin.ModelAdmin):
    list_display = ("starts_on", "account", "kind", "title", "resolved_on")
    list_filter = ("kind",)
    search_fields = ("title", "account__name")
    list_select_related = ("account",)
    autocomplete_fields = ("account", "contacts", "our_people", "recorded_by")
    date_hierarchy = "starts_on"


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("reference", "account", "offering", "ordered_on", "amount", "cost", "sales_rep")
    list_filter = ("offering",)
    search_fields = ("reference", "account__name", "sales_rep__username", "sales_rep__first_name", "sales_rep__last_name")
    date_hierarchy = "ordered_on"
    list_select_related = ("account", "offering", "sales_rep")
    autocomplete_fields = ("account", "offering", "sales_rep")


@admin.register(RevenueLine)
class RevenueLineAdmin(admin.ModelAdmin):
    list_display = ("reference", "account", "month", "amount", "cost", "order")
    list_filter = (("month", admin.DateFieldListFilter), "account__pareto_class")
    search_fields = ("reference", "account__name", "order__reference")
    date_hierarchy = "month"
    # An order names its account: both come with the row.
    list_select_related = ("account", "order__account")
    autocomplete_fields = ("account", "order")


@admin.register(AccountRisk)
class AccountRiskAdmin(admin.ModelAdmin):
    list_display = ("title", "account", "owner_side", "impact", "likelihood", "status", "shared_with_customer", "raised_on")
    list_filter = ("status", "owner_side", "impact", "shared_with_customer")
    search_fields = ("title", "account__name")
    list_select_related = ("account",)
    autocomplete_fields = ("account", "owner_user", "owner_contact")
    # Set by the service: the closing date when the status is closed, and who recorded the risk.
    readonly_fields = ("closed_on", "recorded_by")

    def save_model(self, request, obj, form, change):
        account_risk_save(risk=obj, acting_user=request.user)
