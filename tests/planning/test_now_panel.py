"""The "Now" panel of the meeting view, the plan overview (loaded after the page, `planning:plan-now`), the printable
view and the PDF (planning.live)."""

import datetime
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccountRisk, Opportunity, OpportunityMove
from performance.models import KpiTarget, ManualActual
from performance.periods import PeriodKind, period_containing
from performance.selectors import kpi_status
from planning import live, services
from planning.models import ActionItem, Decision, PlanKpi, PlanVersion
from tests.factories import (
    AccountFactory,
    ConsensusMeetingFactory,
    ManualKpiFactory,
    NpsResponseFactory,
    OpportunityFactory,
    OrderFactory,
    TeamMemberFactory,
    interaction_log,
    kpi,
    make_complete_plan,
)
from tests.planning.conftest import grow

pytestmark = pytest.mark.django_db


class Figures(HTMLParser):
    """The page's live figures ({key: text}) and how many frozen figures it shows."""

    VOID = {"br", "img", "input", "meta", "link", "hr", "rect", "polyline", "line", "polygon"}

    def __init__(self, html: str):
        super().__init__()
        self.live: dict[str, str] = {}
        self.frozen = 0
        self._open: list[tuple[str, int, list[str]]] = []
        self._depth = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-frozen" in attrs:
            self.frozen += int(attrs["data-frozen"] or 1)
        if tag in self.VOID:
            return
        self._depth += 1
        if "data-live" in attrs:
            self._open.append((attrs["data-live"], self._depth, []))

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if self._open and self._open[-1][1] == self._depth:
            key, _depth, parts = self._open.pop()
            self.live[key] = " ".join("".join(parts).split())
        self._depth -= 1

    def handle_data(self, data):
        for _key, _depth, parts in self._open:
            parts.append(data)


@pytest.fixture
def meeting(executive):
    return ConsensusMeetingFactory(title="FY consensus", created_by=executive, status="in_session")


@pytest.fixture
def item(meeting, submitted, executive):
    """The submitted plan on the meeting's agenda, submitted ten days ago (so today's data is "since submission")."""
    plan, version = submitted
    PlanVersion.objects.filter(pk=version.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=10))
    return services.agenda_item_add(meeting=meeting, version=version, acting_user=executive)


def meeting_url(item):
    return reverse("planning:meeting-item", args=[item.meeting_id, item.pk])


def test_the_meeting_view_shows_the_now_panel_beside_the_frozen_version(client_for, item, executive):
    text = client_for(executive).get(meeting_url(item)).text
    assert 'data-testid="now-panel"' in text
    assert text.index('data-testid="now-panel"') < text.index("As submitted on")
    assert "compared with the submission of" in text
    assert timezone.localtime().strftime("%Y-%m-%d") in text  # "As of <now>"


def test_the_kpi_status_is_the_dashboards(client_for, item, executive):
    plan = item.version.plan
    OrderFactory(account=plan.account, ordered_on=timezone.localdate(), amount=Decimal(300_000_000), cost=Decimal(0))
    page = Figures(client_for(executive).get(meeting_url(item)).text)
    expected = kpi_status(account=plan.account, kpi=kpi("revenue"), period=plan.period(PeriodKind.YEAR))
    assert page.live["kpi-revenue-status"].startswith(str(expected.status_label))


def test_the_figures_move_with_the_data_and_say_since_submission(client_for, item, executive, account_manager):
    plan = item.version.plan
    account = plan.account
    today = timezone.localdate()
    manual = ManualKpiFactory(code="workshops", name="Workshops")
    PlanKpi.objects.create(plan=plan, kpi=manual)
    PlanKpi.objects.get_or_create(plan=plan, kpi=kpi("nps"))
    KpiTarget.objects.create(account=account, kpi=manual, fiscal_year=plan.fiscal_year, period_kind="year", period_index=1,
                             value=Decimal(12))
    fox = account.contacts.get(is_fox=True)
    opportunity = Opportunity.objects.filter(account=account).first()
    client = client_for(executive)
    before = Figures(client.get(meeting_url(item)).text)

    # What happened after the submission.
    OrderFactory(account=account, ordered_on=today, amount=Decimal(80_000_000), cost=Decimal(20_000_000))
    NpsResponseFactory(account=account, score=10, responded_on=today)
    interaction_log(user=account_manager, contact=fox, on=today)
    AccountRisk.objects.create(account=account, title="Rival pilot", raised_on=today, impact=3, likelihood=3)
    month = period_containing(today, PeriodKind.MONTH, plan.start_month)
    ManualActual.objects.create(account=account, kpi=manual, fiscal_year=month.fiscal_year, period_kind="month",
                                period_index=month.index, value=Decimal(5))
    OpportunityMove.objects.create(opportunity=opportunity, from_tier=opportunity.tier, to_tier=1,
                                   from_stage=opportunity.stage, to_stage=opportunity.stage)
    Opportunity.objects.filter(pk=opportunity.pk).update(tier=1)
    type(fox).objects.filter(pk=fox.pk).update(is_kingpin=True, attitude="supporter")
    ActionItem.objects.create(plan=plan, title="Send the offer", start_on=today - datetime.timedelta(days=5),
                              due_on=today - datetime.timedelta(days=1))

    after_page = client.get(meeting_url(item)).text
    after = Figures(after_page)
    changed = {key for key, value in after.live.items() if before.live.get(key) != value}
    must = {
        "revenue-fytd", "profit-fytd", "kpi-revenue-actual", f"revenue-{month.index}", f"profit-{month.index}",
        "nps", "kpi-nps-actual", "kpi-workshops-actual", "kpi-workshops-status", "repurchase-count",
        "risk-count", "people-in-touch", f"contact-{fox.pk}", "tier-moves", "pipeline-tier-1", "overdue-actions",
        f"key-person-{fox.pk}", f"key-person-{fox.pk}-roles", "retention", "retention-coverage",
    }
    assert must <= changed, must - changed
    assert "since submission" in after_page
    assert after_page.count("data-since") >= 8
    print(f"\nlive figures that changed: {len(changed)} of {len(after.live)}")


def test_most_of_the_meeting_views_figures_are_read_live(client_for, account, account_manager, executive, meeting):
    """The share of the meeting view's figures read at view time, for a plan whose year has run its course
    (earlier in the year fewer months and quarters have figures to show)."""
    plan = make_complete_plan(account=account, user=account_manager, fiscal_year=timezone.localdate().year - 1)
    version = services.plan_submit(plan=plan, acting_user=account_manager)
    agenda_item = services.agenda_item_add(meeting=meeting, version=version, acting_user=executive)
    page = Figures(client_for(executive).get(meeting_url(agenda_item)).text)
    share = len(page.live) / (len(page.live) + page.frozen)
    print(f"\nmeeting view: {len(page.live)} live figures, {page.frozen} frozen: {share:.0%} live")
    assert share >= 0.6


def test_a_decided_plan_shows_the_decisions_snapshot_and_what_happened_since(client_for, item, executive, meeting):
    services.plan_decide(version=item.version, outcome=Decision.Outcome.APPROVED, acting_user=executive, meeting=meeting)
    text = client_for(executive).get(meeting_url(item)).text
    assert "compared with the decision of" in text and "As decided on" in text
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    # Revenue is recognised by month (revenue lines), so a day's change shows in a dated figure: an NPS answer.
    NpsResponseFactory(account=item.version.plan.account, responded_on=timezone.localdate() - datetime.timedelta(days=1), score=10)
    NpsResponseFactory(account=item.version.plan.account, responded_on=tomorrow, score=0)
    panel = live.plan_now(plan=item.version.plan, version=PlanVersion.objects.select_related("decision").get(pk=item.version.pk),
                          now=timezone.now() + datetime.timedelta(days=1))
    assert panel.reference.kind == "decision" and panel.headline["nps"].actual.moved


def now_url(plan):
    return reverse("planning:plan-now", args=[plan.pk])


def test_the_overview_loads_the_panel_after_the_page(client_for, plan, account_manager):
    text = client_for(account_manager).get(reverse("planning:plan-detail", args=[plan.pk])).text
    assert 'data-testid="now-panel"' not in text and 'data-testid="now-loading"' in text
    assert f'hx-get="{now_url(plan)}" hx-trigger="load" hx-swap="outerHTML"' in text
    assert "Loading the latest figures…" in text and f'<noscript><a href="{now_url(plan)}">' in text


def test_the_overview_says_it_is_loading_in_korean(client_for, plan, account_manager):
    text = client_for(account_manager).get(reverse("planning:plan-detail", args=[plan.pk]), HTTP_ACCEPT_LANGUAGE="ko").text
    assert "최신 수치를 불러오는 중…" in text and "최신 수치 열기" in text


def test_without_javascript_the_link_opens_the_overview_with_the_panel_in_place(client_for, plan, account_manager):
    text = client_for(account_manager).get(now_url(plan)).text  # no HX-Request header: a plain link
    assert 'data-testid="now-loading"' not in text and "The seven steps" in text
    assert 'class="now-panel' in text and "Loading the latest figures…" not in text


def test_a_panel_that_cannot_be_loaded_says_so(client_for, plan, account_manager):
    text = client_for(account_manager).get(reverse("planning:plan-detail", args=[plan.pk])).text
    assert 'data-load-failed="The latest figures could not be loaded. Reload the page to try again."' in text


def test_the_tier_moves_count_every_move_since_the_reference_and_list_the_newest(client_for, plan, account_manager):
    """Counted over every move, not only the five listed (one query: the list with window counts)."""
    opportunity = OpportunityFactory(account=plan.account, tier=3)
    other = OpportunityFactory(account=plan.account, tier=2)
    moves = [OpportunityMove.objects.create(opportunity=opportunity, from_tier=3, to_tier=2, to_stage="identified")
             for _n in range(6)]
    moves += [OpportunityMove.objects.create(opportunity=other, from_tier=2, to_tier=4, to_stage="identified")
              for _n in range(2)]
    OpportunityMove.objects.create(opportunity=other, from_tier=2, to_tier=2, to_stage="qualified")  # no tier move
    OpportunityMove.objects.create(opportunity=other, from_tier=None, to_tier=2, to_stage="identified")  # created
    panel = live.plan_now(plan=plan)
    assert (panel.moves_up, panel.moves_down) == (6, 2)
    assert [move.pk for move in panel.moves] == [move.pk for move in sorted(moves, key=lambda m: (m.moved_at, m.pk), reverse=True)][:5]
    page = Figures(client_for(account_manager).get(now_url(plan), HTTP_HX_REQUEST="true").text)
    assert page.live["tier-moves"] == "▲ 6 ▼ 2"
    OpportunityMove.objects.all().delete()
    panel = live.plan_now(plan=plan)
    assert (panel.moves_up, panel.moves_down, panel.moves) == (0, 0, [])


def test_the_panel_shows_also_for_a_draft(client_for, plan, account_manager):
    response = client_for(account_manager).get(now_url(plan), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response.text.lstrip().startswith('<section class="now-panel" data-testid="now-panel"')
    assert "compared with" not in response.text and "<html" not in response.text


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_loaded_panel_is_the_panel_the_overview_showed_in_place(client_for, approved_plan, account_manager, monkeypatch, language):
    """The fragment is byte for byte what the overview included before it loaded the panel after the page:
    `plan_now` of the plan compared with its newest version (read with `plan_versions`), in the user's language."""
    from django.utils import translation

    from planning.selectors.versions import plan_versions

    moment = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: moment)
    OrderFactory(account=approved_plan.account, ordered_on=timezone.localdate(), amount=Decimal(120_000_000))
    response = client_for(account_manager).get(now_url(approved_plan), HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE=language)
    with translation.override(language):
        in_place = render_to_string("planning/_now_panel.html", {
            "now": live.plan_now(plan=approved_plan, version=plan_versions(plan=approved_plan)[0])})
    assert response.text == in_place and 'data-live="revenue-fytd">0<' not in in_place


def test_before_the_plan_year_starts_the_panel_reads_the_running_year(account, account_manager):
    today = timezone.localdate()
    plan = make_complete_plan(account=account, user=account_manager, fiscal_year=today.year + 1)
    panel = live.plan_now(plan=plan)
    assert not panel.plan_year_started and panel.year.contains(today)
    html = render_to_string("planning/_now_panel.html", {"now": panel})
    assert "has not started yet" in html


def test_overdue_reviews_are_listed(account, account_manager):
    plan = make_complete_plan(account=account, user=account_manager, fiscal_year=timezone.localdate().year - 1)
    states = live.plan_review_states(plan=plan, today=timezone.localdate())
    assert [s["state"] for s in states] == ["overdue"] * 4


def test_the_pdf_carries_the_panel_as_of_the_moment_it_is_made(submitted):
    from planning.models import PlanPdf
    from planning.pdfs import _now_panel

    plan, version = submitted
    pdf = PlanPdf.objects.filter(version=version).first() or PlanPdf.objects.create(
        plan=plan, version=version, language="en", requested_at=timezone.now())
    panel = _now_panel(pdf)
    assert panel.reference.version == version and panel.taken_at <= timezone.now()
    html = render_to_string("planning/plan_pdf.html", {"snap": version.snapshot, "now": panel, "pdf": True,
                                                       "printed_at": timezone.localtime(), "timeline": {}})
    assert 'data-testid="now-panel"' in html and panel.taken_at.astimezone(timezone.get_current_timezone()).strftime("%Y-%m-%d %H:%M") in html


def _portfolio(executive, meeting, size: int):
    """A meeting item whose plan and account have `size` of everything, in a portfolio of `size` accounts."""
    from tests.factories import make_account_manager
    from tests.planning.conftest import freeze_version

    am = make_account_manager()
    for n in range(size):
        other = AccountFactory()
        TeamMemberFactory(account=other, user=am)
        OrderFactory(account=other)
    account = AccountFactory()
    TeamMemberFactory(account=account, user=am)
    plan = make_complete_plan(account=account, user=am)
    grow(plan, size)
    today = timezone.localdate()
    for n in range(size):
        OrderFactory(account=account, ordered_on=today - datetime.timedelta(days=n * 3))
        NpsResponseFactory(account=account, score=n % 11, responded_on=today - datetime.timedelta(days=n))
        AccountRisk.objects.create(account=account, title=f"Risk {n}", raised_on=today - datetime.timedelta(days=n))
        opportunity = OpportunityFactory(account=account, tier=3)
        OpportunityMove.objects.create(opportunity=opportunity, from_tier=3, to_tier=2, to_stage="identified")
    for contact in account.contacts.filter(is_decision_maker=True)[:size]:
        interaction_log(user=am, contact=contact, on=today - datetime.timedelta(days=5))
    version = freeze_version(plan, am)
    PlanVersion.objects.filter(pk=version.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=3))
    return am, plan, services.agenda_item_add(meeting=meeting, version=version, acting_user=executive)


@pytest.mark.parametrize("size", [3, 40])
def test_the_panels_query_count_does_not_grow_with_the_plan_or_the_portfolio(
    client_for, executive, meeting, django_assert_max_num_queries, size
):
    am, plan, agenda_item = _portfolio(executive, meeting, size)
    with django_assert_max_num_queries(21):
        live.plan_now(plan=plan, version=agenda_item.version)
    client = client_for(executive)
    with django_assert_max_num_queries(30):
        assert client.get(meeting_url(agenda_item)).status_code == 200
    client = client_for(am)
    with django_assert_max_num_queries(16):  # the overview without its panel
        assert client.get(reverse("planning:plan-detail", args=[plan.pk])).status_code == 200
    with django_assert_max_num_queries(24):  # the panel: the plan, its newest version, then `plan_now`
        assert client.get(now_url(plan), HTTP_HX_REQUEST="true").status_code == 200


def test_the_panel_of_an_approved_plan_compares_with_the_decision(client_for, approved_plan, account_manager):
    text = client_for(account_manager).get(now_url(approved_plan), HTTP_HX_REQUEST="true").text
    assert 'data-testid="now-panel"' in text and "compared with the decision of" in text


def test_an_account_manager_off_the_team_sees_no_panel(client_for, plan, other_account_manager):
    client = client_for(other_account_manager)
    for url in (reverse("planning:plan-detail", args=[plan.pk]), now_url(plan)):
        response = client.get(url)
        assert response.status_code == 404 and "now-panel" not in response.text, url


def test_the_panel_of_no_plan_is_not_found(client_for, plan, executive, kam_admin):
    for user in (executive, kam_admin):
        client = client_for(user)
        assert client.get(reverse("planning:plan-now", args=[plan.pk + 1000])).status_code == 404
        assert client.get(f"/plans/{plan.pk}x/now/").status_code == 404
        assert client.get("/plans/-1/now/").status_code == 404
        assert client.get(f"/plans/{2**70}/now/").status_code == 404


def test_the_panel_is_read_only(client_for, plan, account_manager):
    assert client_for(account_manager).post(now_url(plan)).status_code == 405


def test_the_panel_asks_a_visitor_to_sign_in(client, plan):
    response = client.get(now_url(plan), HTTP_HX_REQUEST="true")
    assert response.status_code == 302 and response.url.startswith("/login/")
