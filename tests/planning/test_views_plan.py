import pytest
from django.urls import reverse

from planning import services
from planning.models import AccountPlan, PlanStatus
from tests.factories import AccountFactory, AccountPlanFactory, TeamMemberFactory, make_complete_plan
from tests.planning.conftest import freeze_version, grow

pytestmark = pytest.mark.django_db


# --- Plan list --------------------------------------------------------------------------


def test_plan_list_shows_only_plans_of_visible_accounts(client_for, account, other_account, account_manager):
    AccountPlanFactory(account=account, fiscal_year=2026)
    AccountPlanFactory(account=other_account, fiscal_year=2026)
    response = client_for(account_manager).get(reverse("planning:plan-list"))
    assert response.status_code == 200
    assert "한빛전자" in response.text and "Nordwind" not in response.text


def test_executive_sees_every_plan_but_cannot_start_one(client_for, account, other_account, executive):
    AccountPlanFactory(account=account)
    AccountPlanFactory(account=other_account)
    response = client_for(executive).get(reverse("planning:plan-list"))
    assert "한빛전자" in response.text and "Nordwind" in response.text
    assert reverse("planning:plan-create") not in response.text
    response = client_for(executive).post(reverse("planning:plan-create"), {"account": account.pk, "fiscal_year": 2027})
    assert response.status_code == 403
    assert AccountPlan.objects.count() == 2


def test_anonymous_is_sent_to_login(client, account):
    plan = AccountPlanFactory(account=account)
    for url in (reverse("planning:plan-list"), reverse("planning:plan-detail", args=[plan.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("size", [3, 40])
def test_plan_list_query_count_is_fixed(client_for, executive, django_assert_max_num_queries, size):
    for _ in range(size):
        AccountPlanFactory()
    client = client_for(executive)
    # With the ordered ids and the years computed (portfolio stamp, ids, years), then from the cache;
    # the page's draft plans' freshness signals add two (planning/freshness.py; running plans: tests there).
    with django_assert_max_num_queries(11):
        assert client.get(reverse("planning:plan-list")).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("planning:plan-list")).status_code == 200


def test_plan_list_shows_a_new_plan_and_a_renamed_account_at_once(client_for, account_manager, account):
    client = client_for(account_manager)
    assert "한빛전자" not in client.get(reverse("planning:plan-list")).text
    plan = AccountPlanFactory(account=account, fiscal_year=2027)
    response = client.get(reverse("planning:plan-list"))
    assert [row.pk for row in response.context["page"].object_list] == [plan.pk]
    assert response.context["years"] == [2027]
    account.name = "Hanbit renamed"
    account.save()
    assert "Hanbit renamed" in client.get(reverse("planning:plan-list")).text


# --- Creating a plan --------------------------------------------------------------------


def test_account_manager_starts_a_plan_and_lands_on_step_1(client_for, account, account_manager):
    response = client_for(account_manager).post(reverse("planning:plan-create"), {"account": account.pk, "fiscal_year": 2027})
    plan = AccountPlan.objects.get(account=account)
    assert response.status_code == 302 and response["Location"] == reverse("planning:plan-step", args=[plan.pk, 1])


def test_second_plan_for_the_same_year_shows_a_message_and_saves_nothing(client_for, account, account_manager):
    AccountPlanFactory(account=account, fiscal_year=2027)
    response = client_for(account_manager).post(reverse("planning:plan-create"), {"account": account.pk, "fiscal_year": 2027})
    assert response.status_code == 200
    assert "already has a plan for FY 2027" in response.text
    assert AccountPlan.objects.filter(account=account).count() == 1


def test_account_manager_cannot_start_a_plan_for_someone_elses_account(client_for, other_account, account, account_manager):
    response = client_for(account_manager).post(reverse("planning:plan-create"), {"account": other_account.pk, "fiscal_year": 2027})
    assert response.status_code == 200 and "Select a valid choice" in response.text
    assert not AccountPlan.objects.exists()


def test_bad_fiscal_year_is_refused_with_a_message(client_for, account, account_manager):
    response = client_for(account_manager).post(reverse("planning:plan-create"), {"account": account.pk, "fiscal_year": "1999"})
    assert "Ensure this value is greater than or equal to 2000" in response.text
    assert not AccountPlan.objects.exists()


def offered(response) -> str:
    """The account select's HTML."""
    return response.text.split('name="account"')[1].split("</select>")[0]


def test_a_large_portfolio_is_searched_not_listed_whole(client_for, account_manager):
    for number in range(55):
        TeamMemberFactory(account=AccountFactory(name=f"Account {number:02d}"), user=account_manager)
    TeamMemberFactory(account=AccountFactory(name="Zenith Motors"), user=account_manager)
    client = client_for(account_manager)
    response = client.get(reverse("planning:plan-create"))
    assert offered(response).count("<option") == 1  # more than 50: nothing listed, the search finds them
    assert "You have more than 50 accounts: search for the one to plan." in response.text
    found = client.get(reverse("planning:plan-create"), {"q": "zenith"})
    assert "Zenith Motors" in offered(found) and offered(found).count("<option") == 2
    many = client.get(reverse("planning:plan-create"), {"q": "account"})
    assert offered(many).count("<option") == 51 and "Account 00" in offered(many) and "Account 54" not in offered(many)
    assert "More than 50 accounts match" in many.text
    # An account not offered in the list is still accepted, and kept offered when the form comes back.
    zenith = AccountPlan._meta.get_field("account").related_model.objects.get(name="Zenith Motors")
    refused = client.post(reverse("planning:plan-create"), {"account": zenith.pk, "fiscal_year": "1999"})
    assert "Zenith Motors" in offered(refused) and not AccountPlan.objects.exists()
    client.post(reverse("planning:plan-create"), {"account": zenith.pk, "fiscal_year": 2027})
    assert AccountPlan.objects.get().account == zenith


def test_a_small_portfolio_is_listed_whole_by_name(client_for, account, account_manager):
    TeamMemberFactory(account=AccountFactory(name="Alpha Steel"), user=account_manager)
    response = client_for(account_manager).get(reverse("planning:plan-create"))
    assert offered(response).index("Alpha Steel") < offered(response).index("한빛전자")
    assert 'data-testid="account-search"' not in response.text


def test_a_search_that_finds_nothing_says_so(client_for, account, account_manager):
    response = client_for(account_manager).get(reverse("planning:plan-create"), {"q": "nowhere"})
    assert "No account of yours matches “nowhere”." in response.text


def test_a_search_never_offers_another_teams_account(client_for, account, other_account, account_manager):
    response = client_for(account_manager).get(reverse("planning:plan-create"), {"q": "Nordwind"})
    assert "Nordwind" not in offered(response)
    refused = client_for(account_manager).post(reverse("planning:plan-create"), {"account": other_account.pk, "fiscal_year": 2027})
    assert refused.status_code == 200 and not AccountPlan.objects.exists()


# --- Overview ---------------------------------------------------------------------------


def test_overview_lists_the_rules_and_what_keeps_the_plan_from_submission(client_for, account, account_manager):
    plan = AccountPlanFactory(account=account)
    response = client_for(account_manager).get(reverse("planning:plan-detail", args=[plan.pk]))
    assert response.status_code == 200
    assert "Every open opportunity has a sponsoring org unit." in response.text
    assert "Complete steps 1–5 to submit" in response.text


def test_account_manager_of_other_accounts_gets_404_on_every_plan_page(client_for, plan, other_account_manager):
    client = client_for(other_account_manager)
    urls = [
        reverse("planning:plan-detail", args=[plan.pk]),
        reverse("planning:plan-history", args=[plan.pk]),
        reverse("planning:plan-compare", args=[plan.pk]),
        reverse("planning:plan-pdf", args=[plan.pk]),
        reverse("planning:plan-xlsx", args=[plan.pk]),
        *(reverse("planning:plan-step", args=[plan.pk, step]) for step in range(1, 8)),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    for name in ("plan-submit", "plan-revise", "plan-close", "review-create"):
        assert client.post(reverse(f"planning:{name}", args=[plan.pk])).status_code == 404, name


@pytest.mark.parametrize("size", [3, 60])
def test_overview_query_count_is_fixed(client_for, plan, account_manager, django_assert_max_num_queries, size):
    grow(plan, size)
    client = client_for(account_manager)
    with django_assert_max_num_queries(13):  # the "Now" panel comes after, from planning:plan-now (tests/planning/test_now_panel.py)
        assert client.get(reverse("planning:plan-detail", args=[plan.pk])).status_code == 200


# --- Submit, revise, close --------------------------------------------------------------


def test_submit_from_the_overview_freezes_a_version(client_for, plan, account_manager):
    response = client_for(account_manager).post(reverse("planning:plan-submit", args=[plan.pk]), {"note": "Ready"}, follow=True)
    assert "Version 1 was submitted" in response.text
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED and plan.versions.get().note == "Ready"


def test_submitting_an_incomplete_plan_says_which_steps_are_missing(client_for, account, account_manager):
    plan = AccountPlanFactory(account=account)
    response = client_for(account_manager).post(reverse("planning:plan-submit", args=[plan.pk]), follow=True)
    assert "Complete these steps before submitting" in response.text
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_executive_cannot_submit_revise_or_close(client_for, plan, executive):
    client = client_for(executive)
    for name in ("plan-submit", "plan-revise", "plan-close"):
        assert client.post(reverse(f"planning:{name}", args=[plan.pk])).status_code == 403, name
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_revise_opens_a_new_revision_of_the_approved_plan(client_for, approved_plan, account_manager):
    response = client_for(account_manager).post(reverse("planning:plan-revise", args=[approved_plan.pk]), follow=True)
    assert "Revision 2 is open" in response.text
    approved_plan.refresh_from_db()
    assert (approved_plan.status, approved_plan.revision) == (PlanStatus.DRAFT, 2)


# --- History, versions, compare ---------------------------------------------------------


def test_history_page_shows_who_changed_what(client_for, plan, account_manager, executive):
    services.plan_step_save(plan=plan, step=4, acting_user=account_manager, expected_lock_version=plan.lock_version,
                            fields={"strategy_summary": "Partner first"})
    response = client_for(executive).get(reverse("planning:plan-history", args=[plan.pk]))
    assert response.status_code == 200
    assert "Partner first" in response.text and "Land and expand" in response.text
    assert str(account_manager) in response.text


@pytest.mark.parametrize("size", [3, 60])
def test_history_query_count_is_fixed(client_for, plan, account_manager, django_assert_max_num_queries, size):
    grow(plan, size)
    for number in range(size // 3):
        services.plan_step_save(plan=plan, step=3, acting_user=account_manager,
                                expected_lock_version=AccountPlan.objects.get(pk=plan.pk).lock_version,
                                fields={"cbp_summary": f"Edit {number}"})
    client = client_for(account_manager)
    with django_assert_max_num_queries(15):  # the audit tables in one query, then the users and KPIs they name
        assert client.get(reverse("planning:plan-history", args=[plan.pk])).status_code == 200


def test_compare_shows_what_changed_since_the_approved_version(client_for, approved_plan, account_manager):
    plan = services.plan_revise(plan=approved_plan, acting_user=account_manager)
    services.plan_step_save(plan=plan, step=4, acting_user=account_manager, expected_lock_version=plan.lock_version,
                            fields={"strategy_summary": "Partner first"})
    response = client_for(account_manager).get(reverse("planning:plan-compare", args=[plan.pk]))
    assert response.status_code == 200
    assert response.context["base"] == 1 and response.context["other"] == "current"
    [section] = response.context["diff"]
    assert section.key == "strategy"
    assert "Partner first" in response.text


def test_compare_two_versions(client_for, submitted, account_manager, executive):
    plan, version = submitted
    services.plan_decide(version=version, outcome="changes_requested", acting_user=executive, comment="TAM?")
    plan.refresh_from_db()
    services.plan_step_save(plan=plan, step=4, acting_user=account_manager, expected_lock_version=plan.lock_version,
                            fields={"tam": 30_000_000_000})
    services.plan_submit(plan=plan, acting_user=account_manager)
    response = client_for(executive).get(reverse("planning:plan-compare", args=[plan.pk]), {"base": 1, "other": 2})
    changes = [(c.what, c.field, c.old, c.new) for section in response.context["diff"] for c in section.changes]
    # The TAM changed, and with it the revenue target's share of TAM.
    assert changes == [("TAM", "", "20,000,000,000", "30,000,000,000"), ("targets", "share of TAM", "5.0%", "3.3%")]


@pytest.mark.parametrize("size", [3, 60])
def test_compare_and_version_pages_query_count_is_fixed(client_for, plan, account_manager, django_assert_max_num_queries, size):
    grow(plan, size)
    freeze_version(plan, account_manager)
    client = client_for(account_manager)
    with django_assert_max_num_queries(27):  # the versions' snapshots alone, the plan's targets once
        assert client.get(reverse("planning:plan-compare", args=[plan.pk])).status_code == 200
    with django_assert_max_num_queries(13):
        assert client.get(reverse("planning:version-detail", args=[plan.pk, 1])).status_code == 200


def test_version_page_renders_its_sections_in_the_readers_language_and_the_catalogues_names(
    client_for, plan, account_manager
):
    from performance.models import KpiDefinition

    freeze_version(plan, account_manager)
    client = client_for(account_manager)
    url = reverse("planning:version-detail", args=[plan.pk, 1])
    english = client.get(url).text
    korean = client.get(url, HTTP_ACCEPT_LANGUAGE="ko").text
    assert "Org chart review" in english and "Org chart review" not in korean
    assert client.get(url).text.count("Org chart review") == english.count("Org chart review")  # again, from memory
    revenue = KpiDefinition.objects.get(code="revenue")
    revenue.name = "Net sales"
    revenue.save()
    assert "Net sales" in client.get(url).text  # the catalogue's name now, not the one rendered before


def test_unknown_version_is_404(client_for, plan, account_manager):
    assert client_for(account_manager).get(reverse("planning:version-detail", args=[plan.pk, 9])).status_code == 404


def test_compare_with_an_unknown_version_compares_the_last_one(client_for, plan, account_manager):
    from django.http import Http404

    from planning.selectors import version_snapshot

    freeze_version(plan, account_manager)
    client = client_for(account_manager)
    default = client.get(reverse("planning:plan-compare", args=[plan.pk]))
    unknown = client.get(reverse("planning:plan-compare", args=[plan.pk]), {"base": 9, "other": "x"})
    assert unknown.status_code == 200 and unknown.context["base"] == default.context["base"] == 1
    assert unknown.context["diff"] == default.context["diff"] and unknown.context["other"] == "current"
    with pytest.raises(Http404):
        version_snapshot(plan=plan, number=9)


def test_names_from_users_are_escaped(client_for, account, account_manager):
    evil = "<script>alert(1)</script>"
    plan = make_complete_plan(account=account, user=account_manager)
    services.plan_step_save(plan=plan, step=4, acting_user=account_manager, expected_lock_version=plan.lock_version,
                            fields={"strategy_summary": evil})
    client = client_for(account_manager)
    for url in (reverse("planning:plan-step", args=[plan.pk, 4]), reverse("planning:plan-history", args=[plan.pk])):
        response = client.get(url)
        assert evil not in response.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_admin_may_write_any_accounts_plan(client_for, kam_admin):
    account = AccountFactory()
    TeamMemberFactory(account=account)
    response = client_for(kam_admin).post(reverse("planning:plan-create"), {"account": account.pk, "fiscal_year": 2027})
    assert response.status_code == 302


def test_compare_names_the_period_whose_target_changed(client_for, submitted, account_manager, executive):
    from decimal import Decimal

    from performance.models import KpiDefinition
    from planning.targets import TargetInput

    plan, version = submitted
    services.plan_decide(version=version, outcome="changes_requested", acting_user=executive, comment="Q4 too low")
    plan.refresh_from_db()
    q = Decimal(250_000_000)
    services.plan_step_save(
        plan=plan, step=4, acting_user=account_manager, expected_lock_version=plan.lock_version,
        targets={KpiDefinition.objects.get(code="revenue"): TargetInput(chosen=True, year=5 * q, quarters=[q, q, q, 2 * q])},
    )
    response = client_for(executive).get(reverse("planning:plan-compare", args=[plan.pk]), {"base": 1})
    changes = {(c.item, c.old, c.new) for section in response.context["diff"] for c in section.changes}
    assert ("Q4", "250,000,000", "500,000,000") in changes
    assert ("H2", "500,000,000", "750,000,000") in changes


def test_version_and_next_year_pages_are_404_for_other_account_managers(client_for, submitted, other_account_manager):
    plan, version = submitted
    client = client_for(other_account_manager)
    assert client.get(reverse("planning:version-detail", args=[plan.pk, version.number])).status_code == 404
    assert client.get(reverse("planning:plan-next-year", args=[plan.pk])).status_code == 404


def test_executive_cannot_start_next_years_plan(client_for, approved_plan, executive):
    client = client_for(executive)
    assert client.get(reverse("planning:plan-next-year", args=[approved_plan.pk])).status_code == 403
    assert client.post(reverse("planning:plan-next-year", args=[approved_plan.pk]), {}).status_code == 403
    assert AccountPlan.objects.count() == 1


def test_next_year_page_creates_the_draft_with_what_was_ticked(client_for, approved_plan, account_manager):
    from planning.models import ActionItem

    pilot = ActionItem.objects.get(plan=approved_plan, title="Pilot")
    response = client_for(account_manager).post(
        reverse("planning:plan-next-year", args=[approved_plan.pk]),
        {"actions": [pilot.pk], "carry_org_chart": "on"}, follow=True,
    )
    next_plan = AccountPlan.objects.get(fiscal_year=approved_plan.fiscal_year + 1)
    assert "draft plan was created" in response.text
    assert list(next_plan.actions.values_list("title", flat=True)) == ["Pilot"]
    assert not next_plan.strategic_tasks.exists() and next_plan.org_baseline and not next_plan.carried_context


@pytest.mark.parametrize("size", [3, 60])
def test_create_and_next_year_pages_query_count_is_fixed(
    client_for, approved_plan, account_manager, django_assert_max_num_queries, size
):
    grow(approved_plan, size)
    for _ in range(size // 3):
        TeamMemberFactory(account=AccountFactory(), user=account_manager)
    client = client_for(account_manager)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("planning:plan-create")).status_code == 200
    with django_assert_max_num_queries(26):
        assert client.get(reverse("planning:plan-next-year", args=[approved_plan.pk])).status_code == 200


def test_a_plan_page_reads_its_approved_versions_number_not_its_snapshot(approved_plan, account_manager, django_assert_num_queries):
    from planning.selectors.plans import plan_get_for_user

    number = approved_plan.approved_version.number
    plan = plan_get_for_user(user=account_manager, plan_id=approved_plan.pk)
    assert "snapshot" in plan.approved_version.get_deferred_fields()
    with django_assert_num_queries(0):
        assert plan.approved_version.number == number
    with django_assert_num_queries(1):  # read when asked for, as before
        assert plan.approved_version.snapshot["plan"]["id"] == plan.pk
