"""One class per step page: which forms it shows, how they are saved, what else the page needs.

The view (planning.views.plans.plan_step) is the same for every step: it parses, calls `save`
(which calls planning.services.step_saves), and renders. Read-only steps are shown from the same
snapshot sections the meeting view and the PDF use.
"""

from django.http import Http404, HttpRequest
from django.utils import formats, timezone

from accounts.models import Offering
from planning import attachments as attachment_checks
from planning import forms, snapshot
from performance.periods import PeriodKind
from planning.models import AccountPlan, MarketingAction, PlanStatus, StrategicTask, SupportRequest
from planning.timeline import timeline
from planning.selectors import completeness, content, kpis as kpis_reads, plans, versions
from planning.services import step_saves, workflow


# The name under which step 4's targets grid posts its hidden marker (TargetsForm's `loaded`, prefixed).
TARGETS_LOADED = "targets-loaded"


class StepPage:
    number: int = 0
    section: str = ""  # the snapshot section shown when the step is read-only
    # The parts the page loads after it is shown, drawn into the page itself instead (a browser without
    # JavaScript following a placeholder's link).
    parts_in_place: bool = False

    def __init__(self, *, request: HttpRequest, plan: AccountPlan, can_edit: bool):
        self.request = request
        self.plan = plan
        self.can_edit = can_edit
        self.targets: kpis_reads.PlanTargets | None = None  # the plan's targets, when the forms read them
        self.editable = can_edit and workflow.step_is_editable(plan=plan, step=self.number)

    @property
    def template(self) -> str:
        return f"planning/steps/step_{self.number}.html"

    @property
    def has_form(self) -> bool:
        return self.editable

    def build_forms(self, data=None, files=None) -> dict:
        return {}

    def forms_valid(self, bound: dict) -> bool:
        return all(form.is_valid() for form in bound.values())

    def save(self, bound: dict, lock_version: int) -> None:
        raise NotImplementedError

    def save_fields(self, bound: dict, lock_version: int, **inputs) -> None:
        """Save the step's own plan fields from its form, with the step's other `inputs` to plan_step_save."""
        form = bound["form"]
        step_saves.plan_step_save(
            plan=self.plan, step=self.number, acting_user=self.request.user, expected_lock_version=lock_version,
            fields={name: form.cleaned_data[name] for name in step_saves.STEP_FIELDS[self.number]}, **inputs,
        )

    def context(self) -> dict:
        return {}

    def read_only_context(self) -> dict:
        if not self.section:
            return {}
        return {"section": snapshot.SECTIONS[self.section](self.plan)}


class OrgReviewStep(StepPage):
    number = 1  # read-only, the page shows its own context (`context`), not the snapshot's section

    def build_forms(self, data=None, files=None):
        return {"form": forms.Step1Form(data, instance=self.plan)}

    def save(self, bound, lock_version):
        form = bound["form"]
        step_saves.plan_step_save(
            plan=self.plan, step=1, acting_user=self.request.user, expected_lock_version=lock_version,
            fields={"org_review_notes": form.cleaned_data["org_review_notes"]},
            confirm_org_review=form.cleaned_data["confirm"],
        )

    def context(self):
        since = completeness.org_reference_date(plan=self.plan)
        contacts = content.active_contacts(plan=self.plan)
        units = content.org_units(plan=self.plan)
        return {
            "since": since,
            "changes": content.org_changes_since(plan=self.plan, since=since),
            "baseline_changes": content.org_baseline_changes(plan=self.plan, contacts=contacts),
            "unit_tree": _unit_tree(units, contacts),
            "unassigned": [c for c in contacts if c.org_unit_id is None],
            "key_people": content.key_people(plan=self.plan),
            "contact_count": len(contacts),
        }


def _unit_tree(units, contacts) -> list[dict]:
    people: dict = {}
    for contact in contacts:
        people.setdefault(contact.org_unit_id, []).append(contact)
    nodes = {unit.pk: {"unit": unit, "people": people.get(unit.pk, []), "children": []} for unit in units}
    roots = []
    for unit in units:
        parent = nodes.get(unit.parent_id)
        (parent["children"] if parent else roots).append(nodes[unit.pk])
    return roots


class MappingStep(StepPage):
    number = 2  # read-only, the page shows `context`'s mapping section
    opportunities: list | None = None  # the account's open opportunities, once build_forms has read them

    def build_forms(self, data=None, files=None):
        self.opportunities = content.open_opportunities(plan=self.plan)
        self.units = content.org_units(plan=self.plan)
        return {"form": forms.Step2Form(data, instance=self.plan, opportunities=self.opportunities, units=self.units)}

    def save(self, bound, lock_version):
        form = bound["form"]
        step_saves.plan_step_save(
            plan=self.plan, step=2, acting_user=self.request.user, expected_lock_version=lock_version,
            fields={"mapping_notes": form.cleaned_data["mapping_notes"]}, mappings=form.mappings(),
        )

    def context(self):
        return {"mapping": snapshot.mapping_section(self.plan, opportunities=self.opportunities)}


class BusinessPlanStep(StepPage):
    number = 3
    section = "business_plan"

    def build_forms(self, data=None, files=None):
        return {"form": forms.Step3Form(data, instance=self.plan)}

    def save(self, bound, lock_version):
        self.save_fields(bound, lock_version)

    def context(self):
        return {
            "attachments": content.plan_attachments(plan=self.plan),
            "attachment_form": forms.AttachmentForm() if self.editable else None,
            "max_attachment_bytes": attachment_checks.max_bytes(),
        }


class StrategyStep(StepPage):
    number = 4
    section = "strategy"

    def build_forms(self, data=None, files=None):
        users = forms.ObjectChoices(content.team_users(plan=self.plan))
        contacts = forms.ObjectChoices(content.marketing_contacts(plan=self.plan), label_of=forms.contact_label)
        task_fields = ("title", "description", "owner", "target_year", "status")
        tasks = content.plan_row_values(plan=self.plan, model=StrategicTask, fields=task_fields)
        marketing_fields = ("kind", "title", "contact", "planned_on", "status")
        marketing = content.plan_row_values(plan=self.plan, model=MarketingAction, fields=marketing_fields)
        bound = {"form": forms.Step4Form(data, instance=self.plan)}
        # The targets grid is a third of the page's cost: the page loads it after it is shown
        # (planning:plan-step-targets). A form posted without its marker was saved before the grid
        # came: its targets stay as they are.
        loaded = TARGETS_LOADED in data if data is not None else self.parts_in_place
        if loaded:
            bound["targets"] = self.targets_form(data)
        bound["tasks"] = forms.StrategicTaskFormSet(
            data, prefix="tasks", form_kwargs={"users": users, "default_year": self.plan.fiscal_year + 2}, initial=tasks,
        )
        bound["marketing"] = forms.MarketingActionFormSet(
            data, prefix="marketing", form_kwargs={"contacts": contacts}, initial=marketing
        )
        return bound

    def targets_form(self, data=None) -> forms.TargetsForm:
        """The KPIs and targets grid, its hidden marker (TARGETS_LOADED) included; reads the plan's targets into `targets`."""
        kpis, inputs, account_targets, self.targets = kpis_reads.target_grid(plan=self.plan)
        return forms.TargetsForm(
            data, prefix="targets", kpis=kpis, inputs=inputs, month_labels=self.month_labels(),
            fiscal_year=self.plan.fiscal_year, account_targets=account_targets,
        )

    def month_labels(self) -> list[str]:
        return [formats.date_format(self.plan.period(PeriodKind.MONTH, i).start, "M") for i in range(1, 13)]

    def months_form(self, kpi_id: int) -> forms.TargetsForm:
        """The targets form of one KPI, for its folded months: sent only while they are all empty, so empty."""
        kpi = next((kpi for kpi in kpis_reads.target_candidates(plan=self.plan) if kpi.pk == kpi_id), None)
        if kpi is None:
            raise Http404("No such KPI in this plan's targets.")
        return forms.TargetsForm(
            prefix="targets", kpis=[kpi], inputs={}, month_labels=self.month_labels(), fiscal_year=self.plan.fiscal_year
        )

    def save(self, bound, lock_version):
        self.save_fields(
            bound, lock_version,
            collections={
                "strategic_tasks": forms.rows_of(bound["tasks"]),
                "marketing_actions": forms.rows_of(bound["marketing"]),
            },
            targets=bound["targets"].targets() if "targets" in bound else None,
        )

    def context(self):
        return {"carried": self.plan.carried_context}


class ExecutionStep(StepPage):
    number = 5  # read-only, the page shows `context`'s execution section

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # On an approved plan the team still records progress, without a new revision.
        self.tracks_progress = (
            not self.editable and self.can_edit and self.plan.status == PlanStatus.APPROVED
        )

    actions: list | None = None  # the plan's actions, once build_forms has read them

    def build_forms(self, data=None, files=None):
        self.actions = actions = content.plan_actions(plan=self.plan)
        if self.tracks_progress:
            return {"progress": forms.ActionProgressForm(data, actions=actions)}
        users = forms.ObjectChoices(content.team_users(plan=self.plan))
        offerings = forms.ObjectChoices(Offering.objects.filter(is_active=True).order_by("name"))
        support_fields = ("kind", "description", "offering", "amount", "status")
        action_fields = ("title", "kind", "owner", "start_on", "due_on", "status", "percent_done", "parent")
        return {
            "support": forms.SupportRequestFormSet(
                data, prefix="support", form_kwargs={"offerings": offerings},
                initial=content.plan_row_values(plan=self.plan, model=SupportRequest, fields=support_fields),
            ),
            "actions": forms.ActionFormSet(
                data, prefix="actions", form_kwargs={"users": users, "parents": forms.ObjectChoices(actions)},
                initial=[_initial(a, action_fields) | {"depth": a.depth} for a in actions],
            ),
        }

    @property
    def has_form(self) -> bool:
        return self.editable or self.tracks_progress

    def save(self, bound, lock_version):
        if self.tracks_progress:
            step_saves.action_progress_save(
                plan=self.plan, progress=bound["progress"].progress(), expected_lock_version=lock_version,
                acting_user=self.request.user,
            )
            return
        step_saves.plan_step_save(
            plan=self.plan, step=5, acting_user=self.request.user, expected_lock_version=lock_version,
            collections={
                "support_requests": forms.rows_of(bound["support"]),
                "actions": forms.rows_of(bound["actions"]),
            },
        )

    def context(self):
        actions = content.plan_actions(plan=self.plan) if self.actions is None else self.actions
        # The form's page shows the actions' timeline only; the other pages the whole section.
        execution = {"actions": snapshot.action_rows(actions)} if self.editable else \
            snapshot.execution_section(self.plan, actions=actions)
        return {
            "timeline": timeline(
                execution["actions"], period_start=self.plan.period_start, period_end=self.plan.period_end,
                today=timezone.localdate(),
            ),
            "execution": execution,
        }


class ReviewsStep(StepPage):
    number = 6

    def context(self):
        today = timezone.localdate()
        reviews = versions.plan_reviews(plan=self.plan)
        current = self.plan.quarter_containing(today)
        quarters = []
        for quarter in (1, 2, 3, 4):
            period = self.plan.period(PeriodKind.QUARTER, quarter)
            quarters.append(
                {"number": quarter, "start": period.start, "end": period.end, "review": reviews.get(quarter),
                 "ended": period.end < today, "current": quarter == current}
            )
        return {
            "quarters": quarters,
            "current_quarter": current,
            "may_create": self.can_edit and self.plan.approved_version_id is not None,
            "missing_past": [q["number"] for q in quarters if q["review"] is None and (q["ended"] or q["current"])],
        }


class YearEndStep(StepPage):
    number = 7

    def build_forms(self, data=None, files=None):
        return {"form": forms.Step7Form(data, instance=self.plan)}

    def save(self, bound, lock_version):
        self.save_fields(bound, lock_version)

    def context(self):
        return {
            "year_results": kpis_reads.year_results(plan=self.plan),
            "next_plan": plans.next_year_plan(plan=self.plan),
            "may_start_next": self.can_edit and self.plan.approved_version_id is not None,
        }


STEP_PAGES = {page.number: page for page in (
    OrgReviewStep, MappingStep, BusinessPlanStep, StrategyStep, ExecutionStep, ReviewsStep, YearEndStep)}


def step_page(number: int, *, request: HttpRequest, plan: AccountPlan, can_edit: bool) -> StepPage:
    page_class = STEP_PAGES.get(number)
    if page_class is None:
        raise Http404("No such step.")
    return page_class(request=request, plan=plan, can_edit=can_edit)


def _initial(instance, fields) -> dict:
    values = {"id": instance.pk}
    for name in fields:
        field = instance._meta.get_field(name)
        values[name] = getattr(instance, field.attname) if field.is_relation else getattr(instance, name)
    return values

