"""Deterministic demo account plans, consensus meetings, decisions and quarterly reviews.

`planning_demo_seed` writes, through planning.services (so versions, snapshots, agenda
positions and the state machine are what users would produce), a handful of plans for the
demo account managers' largest accounts, each in another state of the seven-step process:

- approved at the year's first consensus meeting, with committed budget and people, an action
  plan some of whose tasks and milestones are overdue, and reviews of the quarters that ended
  (signed off but the last, which has comments);
- submitted and on the agenda of the next (upcoming) consensus meeting;
- sent back with changes requested at the last meeting, with comments on steps;
- drafts filled up to step 3 (and part of step 4), and one that has only its org chart reviewed.

The number of plans is bounded (it does not grow with `--accounts`). Texts are demo content in
the customer's language, not interface text.
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Account, Contact, Offering, Opportunity, OrgUnit, User
from accounts.roles import is_executive
from performance.models import KpiDefinition, KpiTarget
from performance.periods import PeriodKind, fiscal_year_of
from planning import models as planning_models
from planning.models import (
    AccountPlan,
    ActionItem,
    AgendaItem,
    ConsensusMeeting,
    Decision,
    MarketingAction,
    PlanVersion,
    QuarterlyReview,
    ReviewComment,
    StrategicTask,
    SupportRequest,
)
from planning import meetings
from planning.services import (
    meeting_create,
    plan_create,
    plan_decide,
    plan_step_save,
    plan_submit,
    quarterly_review_create,
    quarterly_review_sign_off,
    review_comment_add,
)
from planning.targets import TargetInput

# The scenarios each demo account manager's largest accounts get, in order.
SCENARIOS = {
    "am": ("approved", "submitted", "changes_requested", "draft_step3", "draft_step1"),
    "am2": ("approved", "submitted", "draft_step3"),
}
PLAN_KPI_CODES = ("revenue", "nps", "utilisation", "margin")
MEETING_TIME = datetime.time(14, 0)


def _t(korean: bool, ko: str, en: str) -> str:
    return ko if korean else en


@dataclass
class PlanningDemoSummary:
    plans: int = 0
    meetings: int = 0
    reviews: int = 0


def planning_demo_flush() -> None:
    """Delete every plan with all it holds, the meetings, and the audit history of both."""
    AgendaItem.objects.all().delete()
    planning_models.StepComment.objects.all().delete()
    Decision.objects.all().delete()
    ConsensusMeeting.objects.all().delete()
    AccountPlan.objects.update(approved_version=None, previous_plan=None)
    PlanVersion.objects.all().delete()
    ActionItem.objects.update(parent=None, carried_from=None)
    ActionItem.objects.all().delete()
    AccountPlan.objects.all().delete()
    for model in (
        AccountPlan, ActionItem, StrategicTask, MarketingAction, SupportRequest, QuarterlyReview,
        planning_models.PlanKpi, planning_models.PlanAttachment,
    ):
        model.history.all().delete()
    KpiTarget.history.all().delete()  # recorded by the planning app (step 4 sets targets)


def planning_demo_seed(*, seed: int, today: datetime.date | None = None) -> PlanningDemoSummary:
    """Write the demo plans and meetings (see the module's docstring); deterministic for a seed and a day."""
    today = today or timezone.localdate()
    builder = _PlanningDemo(rng=random.Random(seed), today=today)
    with transaction.atomic():
        summary = builder.build()
        # The demo versions' PDFs are made when someone opens them, not all at once ahead of the scheduled
        # work: without their rows, the messages the submissions sent do nothing.
        planning_models.PlanPdf.objects.all().delete()
        return summary


def _aware(day: datetime.date, time: datetime.time = MEETING_TIME) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, time))


def _past(day: datetime.date, time: datetime.time) -> datetime.datetime:
    """That moment, or now if it has not come yet."""
    return min(_aware(day, time), timezone.now())


class _PlanningDemo:
    def __init__(self, *, rng: random.Random, today: datetime.date) -> None:
        self.rng = rng
        self.today = today
        self.summary = PlanningDemoSummary()

    def build(self) -> PlanningDemoSummary:
        users = {user.username: user for user in User.objects.filter(username__in=["am", "am2", "exec"])}
        executive = users.get("exec")
        if executive is None or not is_executive(executive):
            return self.summary
        self.executive = executive
        self.kpis = {kpi.code: kpi for kpi in KpiDefinition.objects.filter(code__in=PLAN_KPI_CODES, is_active=True)}
        self.offerings = list(Offering.objects.filter(is_active=True).order_by("pk"))
        year = self.today.year
        # The year's first meeting approved plans; the last one sent one back; the next one is coming.
        self.kickoff = meeting_create(
            title=f"{year} 어카운트 플랜 컨센서스 미팅 · {year} account plan consensus meeting",
            scheduled_for=_aware(max(datetime.date(year, 1, 20), self.today - datetime.timedelta(days=300))),
            location="본사 22층 대회의실 · HQ 22F board room", acting_user=executive,
        )
        self.last = meeting_create(
            title=f"{year} 하반기 컨센서스 미팅 · H2 consensus meeting",
            scheduled_for=_aware(self.today - datetime.timedelta(days=12)),
            location="본사 22층 대회의실 · HQ 22F board room", acting_user=executive,
        )
        self.next = meeting_create(
            title=f"{year} 연말 컨센서스 미팅 · Year-end consensus meeting",
            scheduled_for=_aware(self.today + datetime.timedelta(days=9), datetime.time(10, 0)),
            location="본사 22층 대회의실 / 화상 · HQ 22F board room / video",
            notes="각 KAM 15분 발표, 질의응답 10분 · 15 minutes per KAM, 10 minutes of questions",
            acting_user=executive,
        )
        self.summary.meetings = 3
        # The two past meetings were held: in session while they decide, closed afterwards.
        for held in (self.kickoff, self.last):
            meetings.meeting_start(meeting=held, acting_user=executive)
        for username, scenarios in SCENARIOS.items():
            user = users.get(username)
            if user is None:
                continue
            accounts = list(
                Account.objects.filter(team__user=user, team__role="kam")
                .order_by("-is_key_account", "-revenue_ttm", "pk")[: len(scenarios)]
            )
            for account, scenario in zip(accounts, scenarios, strict=False):
                self.plan(account=account, user=user, scenario=scenario)
        for held in (self.kickoff, self.last):
            meetings.meeting_close(meeting=held, acting_user=executive)
        return self.summary

    # -- one plan ---------------------------------------------------------------------------

    def plan(self, *, account: Account, user: User, scenario: str) -> AccountPlan:
        korean = bool(account.english_name)
        plan = plan_create(
            account=account, fiscal_year=fiscal_year_of(self.today, account.fiscal_year_start_month), acting_user=user
        )
        self.summary.plans += 1
        self.step_1(plan, user, korean)
        if scenario == "draft_step1":
            return plan
        self.step_2(plan, user, korean)
        self.step_3(plan, user, korean)
        if scenario == "draft_step3":
            self.save(plan, user, 4, fields={
                "ambition_3y": self.ambition(account, korean),
                "plan_1y": _t(korean, "상반기 내 보안관제 계약 갱신, 하반기 클라우드 전환 1단계 수주",
                              "Renew the SOC contract in H1, win phase 1 of the cloud migration in H2"),
            })
            return plan
        self.step_4(plan, user, korean)
        self.step_5(plan, user, korean, scenario)
        if scenario == "submitted":
            version = plan_submit(plan=plan, acting_user=user, meeting=self.next, note=_t(
                korean, "TAM 산정 근거는 3단계 첨부 참고", "See step 3 for how we sized the TAM"))
            submitted = timezone.now() - datetime.timedelta(days=2, hours=self.rng.randint(1, 6))
            PlanVersion.objects.filter(pk=version.pk).update(submitted_at=submitted)
            AgendaItem.objects.filter(version=version).update(added_at=submitted)
            return plan
        meeting = self.kickoff if scenario == "approved" else self.last
        version = plan_submit(plan=plan, acting_user=user, meeting=meeting)
        if scenario == "approved":
            decision = plan_decide(
                version=version, outcome=Decision.Outcome.APPROVED, acting_user=self.executive, meeting=meeting,
                comment=_t(korean, "목표 적정. 상주 엔지니어 2명 지원.", "Targets are right. Two resident engineers committed."),
                committed_budget=Decimal(max(50_000_000, int(account.revenue_ttm * Decimal("0.02")) // 10_000_000 * 10_000_000)),
                committed_people=_t(korean, "상주 엔지니어 2명, 솔루션 컨설턴트 0.5명",
                                    "2 resident engineers, 0.5 solution consultant"),
                step_comments={5: _t(korean, "마일스톤 지연 시 즉시 보고", "Report any slipping milestone at once")},
            )
            self.date(version, decision, meeting)
            # What the decision committed: people and budget; the demo units are already on site.
            for kind, status in ((SupportRequest.Kind.PEOPLE, SupportRequest.Status.COMMITTED),
                                 (SupportRequest.Kind.BUDGET, SupportRequest.Status.COMMITTED),
                                 (SupportRequest.Kind.PRODUCT, SupportRequest.Status.DELIVERED)):
                SupportRequest.objects.filter(plan=plan, kind=kind).update(status=status)
            plan.refresh_from_db()
            self.reviews(plan, user, korean)
        else:
            decision = plan_decide(
                version=version, outcome=Decision.Outcome.CHANGES_REQUESTED, acting_user=self.executive, meeting=meeting,
                comment=_t(korean, "매출 목표 근거 보완 후 재상정", "Back the revenue target with evidence, then resubmit"),
                step_comments={
                    3: _t(korean, "고객 예산 출처가 불명확함. 구매팀 확인 필요.",
                          "The source of the customer's budget is unclear: check with purchasing."),
                    4: _t(korean, "경쟁사 대응 전략 구체화 필요. Fox와의 접점 확대.",
                          "Make the answer to the competitor concrete; see the Fox more often."),
                },
            )
            self.date(version, decision, meeting)
        return plan

    def save(self, plan: AccountPlan, user: User, step: int, **kwargs) -> None:
        plan_step_save(plan=plan, step=step, acting_user=user, expected_lock_version=plan.lock_version, **kwargs)
        plan.refresh_from_db(fields=["lock_version", "status"])

    def date(self, version: PlanVersion, decision: Decision, meeting: ConsensusMeeting) -> None:
        """Date the submission and the decision around the meeting, as they happened."""
        submitted = meeting.scheduled_for - datetime.timedelta(days=5, hours=3)
        PlanVersion.objects.filter(pk=version.pk).update(submitted_at=submitted)
        AgendaItem.objects.filter(version=version).update(added_at=submitted)
        Decision.objects.filter(pk=decision.pk).update(decided_at=meeting.scheduled_for + datetime.timedelta(minutes=40))

    # -- the steps ----------------------------------------------------------------------------

    def step_1(self, plan: AccountPlan, user: User, korean: bool) -> None:
        self.save(plan, user, 1, fields={"org_review_notes": _t(
            korean, "연초 조직개편 반영 완료. 구매팀장 교체 확인, 신임 팀장과 관계 구축 필요.",
            "Updated after the January reorganisation. New head of purchasing: build the relationship.")},
            confirm_org_review=True)

    def step_2(self, plan: AccountPlan, user: User, korean: bool) -> None:
        units = list(OrgUnit.objects.filter(account=plan.account, parent__isnull=False).order_by("pk"))
        unmapped = list(Opportunity.objects.filter(
            account=plan.account, stage__in=Opportunity.OPEN_STAGES, sponsor_unit__isnull=True).order_by("pk"))
        mappings = [(opportunity, self.rng.choice(units)) for opportunity in unmapped] if units else []
        self.save(plan, user, 2, fields={"mapping_notes": _t(
            korean, "IT기획팀이 대부분의 사업을 주관. 생산/영업 부서 요구는 IT기획팀을 통해 예산화됨.",
            "IT planning sponsors most projects; business units' needs are budgeted through it.")},
            mappings=mappings)

    def step_3(self, plan: AccountPlan, user: User, korean: bool) -> None:
        revenue = plan.account.revenue_ttm or Decimal(0)
        self.save(plan, user, 3, fields={
            "cbp_summary": _t(
                korean, "고객사는 3년 내 디지털 전환 완료와 운영비 15% 절감을 목표로 함. 올해는 데이터 플랫폼과 보안 강화에 집중.",
                "The customer aims to finish its digital transformation in three years and cut operating costs "
                "by 15%. This year: data platform and security."),
            "cbp_initiatives": _t(
                korean, "데이터 플랫폼 구축\n정보보안 강화\n레거시 시스템 클라우드 전환",
                "Build a data platform\nHarden information security\nMove legacy systems to the cloud"),
            "cbp_budget": (revenue * 4).quantize(Decimal("1")) // 100_000_000 * 100_000_000 or Decimal(500_000_000),
            "cbp_budget_notes": _t(korean, "IT 예산 전체, 신규 투자 약 40%", "Whole IT budget, about 40% new investment"),
            "cbp_source": _t(korean, "CIO 면담 및 연차보고서", "Meeting with the CIO; annual report"),
            "cbp_confidence": self.rng.choice(["medium", "high"]),
        })

    def ambition(self, account: Account, korean: bool) -> str:
        return _t(korean, "3년 내 고객사 IT 인프라·운영의 1순위 파트너, 점유율 35% 달성",
                  "Within three years, the first partner for the customer's IT infrastructure and operations, 35% share")

    def step_4(self, plan: AccountPlan, user: User, korean: bool) -> None:
        account = plan.account
        revenue = account.revenue_ttm or Decimal(0)
        contacts = list(Contact.objects.filter(account=account, status=Contact.Status.ACTIVE)
                        .filter(Q(is_fox=True) | Q(is_kingpin=True)).order_by("-is_kingpin", "pk"))
        kingpin = next((c for c in contacts if c.is_kingpin), None)
        fox = next((c for c in contacts if c.is_fox), None)
        targets: dict[KpiDefinition, TargetInput] = {}
        for code in PLAN_KPI_CODES:
            kpi = self.kpis.get(code)
            if kpi is None or not kpi.applies_to(account.team_type) or len(targets) == 3:
                continue
            if kpi.is_cumulative:
                year = max(Decimal(100_000_000), (revenue * Decimal("1.12")) // 1_000_000 * 1_000_000)
                quarter = year // 4 // 1_000_000 * 1_000_000
                targets[kpi] = TargetInput(chosen=True, year=year, quarters=[quarter, quarter, quarter, year - 3 * quarter])
            else:
                value = {"nps": Decimal(35), "utilisation": Decimal(82), "margin": Decimal(27)}[code]
                targets[kpi] = TargetInput(chosen=True, year=value, quarters=[value] * 4)
        start, end = plan.period_start, plan.period_end
        middle = start + (end - start) / 2
        self.save(plan, user, 4, fields={
            "ambition_3y": self.ambition(account, korean),
            "plan_1y": _t(korean, "상반기 보안관제 계약 갱신, 하반기 클라우드 전환 1단계 수주, 데이터 플랫폼 파일럿 성공",
                          "Renew the SOC contract in H1, win phase 1 of the cloud migration in H2, a successful "
                          "data platform pilot"),
            "market_review": _t(korean, "업계 전반 클라우드 전환 가속, 보안 규제 강화", "Cloud adoption speeds up; security rules tighten"),
            "competition_review": _t(korean, "A사가 가격 공세, B사는 컨설팅 중심 접근",
                                     "Competitor A competes on price; B leads with consulting"),
            "swot_strengths": _t(korean, "24/7 운영 역량, 10년 거래 이력", "24/7 operations; ten years of business together"),
            "swot_weaknesses": _t(korean, "데이터 분석 레퍼런스 부족", "Few data analytics references"),
            "swot_opportunities": _t(korean, "차세대 시스템 예산 확보", "Budget for the next-generation system is secured"),
            "swot_threats": _t(korean, "구매팀 주도의 가격 경쟁 입찰", "Price-driven tenders led by purchasing"),
            "strategy_summary": _t(korean, "운영 서비스로 신뢰 확보 후 솔루션 확대 (Land & Expand)",
                                   "Earn trust with operations services, then expand with solutions (land and expand)"),
            "execution_summary": _t(korean, "분기별 경영진 미팅, Fox 대상 워크숍, 파일럿 후 본사업 제안",
                                    "Quarterly executive meetings, a workshop for the Fox, a proposal after the pilot"),
            "tam": max(Decimal(1_000_000_000), (revenue * 6) // 100_000_000 * 100_000_000),
        }, targets=targets, collections={
            "strategic_tasks": [
                {"id": None, "title": _t(korean, "데이터 플랫폼 레퍼런스 확보", "Win a data platform reference"),
                 "description": "", "owner": user, "target_year": plan.fiscal_year + 1,
                 "status": StrategicTask.Status.IN_PROGRESS},
                {"id": None, "title": _t(korean, "경영진 스폰서십 강화", "Stronger executive sponsorship"),
                 "description": _t(korean, "CEO 간담회 연 2회", "Two CEO meetings a year"), "owner": self.executive,
                 "target_year": plan.fiscal_year + 2, "status": StrategicTask.Status.NOT_STARTED},
            ],
            "marketing_actions": [
                {"id": None, "kind": MarketingAction.Kind.WORKSHOP,
                 "title": _t(korean, "숨겨진 니즈 발굴 워크숍", "Unmet-needs discovery workshop"), "contact": fox,
                 "planned_on": min(end, start + datetime.timedelta(days=60)), "status": MarketingAction.Status.DONE},
                {"id": None, "kind": MarketingAction.Kind.CONFERENCE,
                 "title": _t(korean, "고객 초청 기술 컨퍼런스", "Customer technology conference"), "contact": kingpin,
                 "planned_on": middle, "status": MarketingAction.Status.PLANNED},
            ],
        })

    def step_5(self, plan: AccountPlan, user: User, korean: bool, scenario: str) -> None:
        start, end, today = plan.period_start, plan.period_end, self.today

        def day(fraction: float) -> datetime.date:
            return start + datetime.timedelta(days=round((end - start).days * fraction))

        def progress(begin: datetime.date, due: datetime.date, overdue: bool = False) -> tuple[str, int]:
            if due < today and not overdue:
                return ActionItem.Status.DONE, 100
            if overdue or begin <= today:
                return ActionItem.Status.IN_PROGRESS, self.rng.choice([30, 50, 60])
            return ActionItem.Status.NOT_STARTED, 0

        overdue_due = max(start, min(end, today - datetime.timedelta(days=12)))
        tasks = [
            (_t(korean, "보안관제 계약 갱신", "Renew the SOC contract"), day(0.0), day(0.3), False),
            (_t(korean, "데이터 플랫폼 파일럿", "Data platform pilot"), day(0.25), overdue_due, True),
            (_t(korean, "클라우드 전환 1단계 제안", "Cloud migration phase 1 proposal"), day(0.5), day(0.95), False),
        ]
        milestones = [
            (_t(korean, "보안관제 계약 체결", "SOC contract signed"), day(0.3), False),
            (_t(korean, "파일럿 결과 보고", "Pilot results presented"), overdue_due, True),
            (_t(korean, "1단계 수주", "Phase 1 won"), day(0.97), False),
        ]
        rows = []
        for title, begin, due, overdue in tasks:
            begin = min(begin, due)
            status, percent = progress(begin, due, overdue)
            rows.append({"id": None, "title": title, "kind": ActionItem.Kind.TASK, "owner": user, "start_on": begin,
                         "due_on": due, "status": status, "percent_done": percent, "parent": None})
        for title, due, overdue in milestones:
            status, percent = progress(due, due, overdue)
            rows.append({"id": None, "title": title, "kind": ActionItem.Kind.MILESTONE, "owner": user, "start_on": due,
                         "due_on": due, "status": status, "percent_done": percent, "parent": None})
        product = next((o for o in self.offerings if o.kind == "product"), None)
        self.save(plan, user, 5, collections={
            "support_requests": [
                {"id": None, "kind": SupportRequest.Kind.PEOPLE, "description": _t(
                    korean, "상주 엔지니어 2명 (파일럿 기간)", "Two resident engineers during the pilot"),
                 "offering": None, "amount": Decimal(0),
                 "status": SupportRequest.Status.REQUESTED},
                {"id": None, "kind": SupportRequest.Kind.BUDGET, "description": _t(
                    korean, "파일럿 장비 및 워크숍 예산", "Budget for pilot hardware and the workshop"),
                 "offering": None, "amount": Decimal(80_000_000), "status": SupportRequest.Status.REQUESTED},
                {"id": None, "kind": SupportRequest.Kind.PRODUCT, "description": _t(
                    korean, "데모 장비 우선 배정", "Demo units first in line"),
                 "offering": product, "amount": Decimal(0), "status": SupportRequest.Status.REQUESTED},
            ],
            "actions": rows,
        })
        # Subtasks under the pilot, once the pilot exists.
        pilot = ActionItem.objects.get(plan=plan, title=tasks[1][0])
        engineer = plan.account.team.filter(role="engineer").select_related("user").first()
        owner = engineer.user if engineer else user
        subtasks = [
            (_t(korean, "파일럿 범위 합의", "Agree the pilot's scope"), pilot.start_on, pilot.start_on + datetime.timedelta(days=14), False),
            (_t(korean, "파일럿 환경 구축", "Set up the pilot environment"), pilot.start_on + datetime.timedelta(days=15), overdue_due, True),
        ]
        child_rows = []
        for title, begin, due, overdue in subtasks:
            begin = min(begin, due)
            status, percent = progress(begin, due, overdue)
            child_rows.append({"id": None, "title": title, "kind": ActionItem.Kind.TASK, "owner": owner, "start_on": begin,
                               "due_on": due, "status": status, "percent_done": percent, "parent": pilot})
        self.save(plan, user, 5, collections={"actions": child_rows})

    # -- step 6 -----------------------------------------------------------------------------

    def reviews(self, plan: AccountPlan, user: User, korean: bool) -> None:
        ended = [q for q in (1, 2, 3, 4) if plan.period(PeriodKind.QUARTER, q).end < self.today]
        for number, quarter in enumerate(ended, start=1):
            review, _created = quarterly_review_create(plan=plan, quarter=quarter, acting_user=user)
            self.summary.reviews += 1
            # Dated as it happened: figures taken a few days after the quarter, comments, sign-off by the due date.
            taken = min(self.today, review.period_end + datetime.timedelta(days=4))
            if number < len(ended):
                review_comment_add(review=review, acting_user=user, text=_t(
                    korean, "분기 실적 점검 완료. 파일럿 일정만 주의.", "Quarter reviewed; watch the pilot's schedule."))
                quarterly_review_sign_off(review=review, acting_user=self.executive)
                QuarterlyReview.objects.filter(pk=review.pk).update(
                    signed_off_at=_past(min(self.today, review.due_on), datetime.time(17, 30)))
            else:
                review_comment_add(review=review, acting_user=user, text=_t(
                    korean, "파일럿 지연: 고객 측 보안 심사 2주 연장", "Pilot late: the customer's security review took two more weeks"))
                review_comment_add(review=review, acting_user=self.executive, text=_t(
                    korean, "다음 분기 회복 계획을 연말 미팅에서 보고해 주세요.",
                    "Bring the recovery plan for next quarter to the year-end meeting."))
            QuarterlyReview.objects.filter(pk=review.pk).update(
                snapshot_taken_at=_past(taken, datetime.time(9, 0)), created_at=_past(taken, datetime.time(9, 0)))
            for offset, comment in enumerate(review.comments.order_by("pk")):
                ReviewComment.objects.filter(pk=comment.pk).update(
                    created_at=_past(min(self.today, taken + datetime.timedelta(days=1 + offset)), datetime.time(11, 0)))
