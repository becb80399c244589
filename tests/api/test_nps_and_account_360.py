"""NPS responses (the account team records them), and reading unmet needs and customer activities.

Writes of unmet needs and activities: test_unmet_needs_write.py, test_customer_activities_write.py.
"""

import datetime

import pytest

from accounts.models import UnmetNeed
from performance.models import NpsResponse
from tests.factories import (
    AccountFactory,
    ContactFactory,
    CustomerActivityFactory,
    NpsResponseFactory,
    OfferingFactory,
    OrgUnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NPS = "/api/v1/nps-responses/"
NEEDS = "/api/v1/unmet-needs/"
ACTIVITIES = "/api/v1/customer-activities/"
YESTERDAY = str(datetime.date.today() - datetime.timedelta(days=1))


def answer(account, **extra):
    return {"account": account.pk, "respondent_name": "Kim Minji", "score": 9, "responded_on": YESTERDAY, **extra}


# --- NPS responses -----------------------------------------------------------------------------


def test_account_manager_lists_nps_of_their_accounts_only(api_for, account, other_account, account_manager):
    mine = NpsResponseFactory(account=account, score=10)
    NpsResponseFactory(account=other_account)
    rows = api_for(account_manager).get(NPS).json()["results"]
    assert [(r["id"], r["category"]) for r in rows] == [(mine.pk, "promoter")]


def test_anonymous_caller_cannot_list_nps(api_for):
    assert api_for(None).get(NPS).status_code == 401


def test_other_manager_gets_404_for_an_nps_response(api_for, account, other_account, other_account_manager):
    assert api_for(other_account_manager).get(f"{NPS}{NpsResponseFactory(account=account).pk}/").status_code == 404


def test_executive_reads_nps_and_filters_by_date(api_for, account, other_account, executive):
    recent = NpsResponseFactory(account=account, responded_on=datetime.date(2026, 9, 1))
    NpsResponseFactory(account=account, responded_on=datetime.date(2026, 3, 1))
    NpsResponseFactory(account=other_account, responded_on=datetime.date(2026, 9, 1))
    query = {"account": account.pk, "responded_since": "2026-06-01", "responded_until": "2026-12-31"}
    assert [r["id"] for r in api_for(executive).get(NPS, query).json()["results"]] == [recent.pk]


def test_team_member_records_an_nps_response_from_a_contact(api_for, account, account_manager):
    contact = ContactFactory(account=account, name="Park Jiho")
    payload = {"account": account.pk, "contact": contact.pk, "score": 6, "responded_on": YESTERDAY, "survey": "2026 H2"}
    response = api_for(account_manager).post(NPS, payload, format="json")
    assert response.status_code == 201, response.json()
    saved = NpsResponse.objects.get()
    assert (saved.respondent_name, saved.recorded_by, response.json()["category"]) == ("Park Jiho", account_manager, "detractor")


def test_the_same_respondent_on_the_same_day_is_a_400(api_for, account, account_manager):
    client = api_for(account_manager)
    assert client.post(NPS, answer(account), format="json").status_code == 201
    assert client.post(NPS, answer(account, score=3), format="json").status_code == 400
    assert NpsResponse.objects.get().score == 9


def test_executive_cannot_record_nps(api_for, account, executive):
    assert api_for(executive).post(NPS, answer(account), format="json").status_code == 403
    assert not NpsResponse.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("score", 11), ("score", -1), ("score", "9"), ("responded_on", "2999-01-01"), ("responded_on", "yesterday"),
     ("respondent_name", ""), ("comment", "x" * 10_001), ("account", 999999)],
)
def test_a_bad_nps_response_is_a_field_error_and_nothing_is_saved(api_for, account, account_manager, field, value):
    response = api_for(account_manager).post(NPS, {**answer(account), field: value}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not NpsResponse.objects.exists()


def test_a_contact_of_another_account_is_refused(api_for, account, other_account, account_manager):
    foreign = ContactFactory(account=other_account)
    response = api_for(account_manager).post(NPS, answer(account, contact=foreign.pk), format="json")
    assert response.status_code == 400 and "contact" in response.json()


def test_nps_answers_are_not_edited(api_for, account, account_manager):
    nps = NpsResponseFactory(account=account)
    assert api_for(account_manager).patch(f"{NPS}{nps.pk}/", {"score": 1}, format="json").status_code == 405


@pytest.mark.parametrize("size", [3, 50])
def test_nps_list_query_count_is_fixed(api_for, account, account_manager, django_assert_max_num_queries, size):
    for _ in range(size):
        NpsResponseFactory(account=account)
    client = api_for(account_manager)
    with django_assert_max_num_queries(4):
        assert len(client.get(NPS, {"page_size": 100}).json()["results"]) == size


# --- Unmet needs and customer activities (reads) ----------------------------------------------


def need(account, **extra):
    return UnmetNeed.objects.create(
        account=account, org_unit=OrgUnitFactory(account=account), offering=OfferingFactory(), note="Edge analytics", **extra
    )


def test_account_manager_reads_unmet_needs_of_their_accounts_only(api_for, account, other_account, account_manager):
    mine = need(account)
    other = need(other_account)
    client = api_for(account_manager)
    assert [r["id"] for r in client.get(NEEDS).json()["results"]] == [mine.pk]
    assert client.get(f"{NEEDS}{other.pk}/").status_code == 404


def test_executive_reads_every_unmet_need_but_cannot_write(api_for, account, other_account, executive):
    need(account), need(other_account)
    client = api_for(executive)
    assert len(client.get(NEEDS).json()["results"]) == 2
    assert client.post(NEEDS, {"account": account.pk}, format="json").status_code == 403


def test_anonymous_caller_cannot_read_unmet_needs_or_activities(api_for):
    assert api_for(None).get(NEEDS).status_code == 401
    assert api_for(None).get(ACTIVITIES).status_code == 401


def test_account_manager_reads_activities_of_their_accounts_only(api_for, account, other_account, account_manager):
    workshop = CustomerActivityFactory(account=account)
    workshop.contacts.add(ContactFactory(account=account))
    workshop.our_people.add(account_manager)
    other = CustomerActivityFactory(account=other_account)
    client = api_for(account_manager)
    rows = client.get(ACTIVITIES).json()["results"]
    assert [(r["id"], r["our_people"]) for r in rows] == [(workshop.pk, [account_manager.pk])]
    assert client.get(f"{ACTIVITIES}{other.pk}/").status_code == 404


def test_executive_filters_activities_by_kind_and_date(api_for, account, executive):
    CustomerActivityFactory(account=account, kind="seminar", starts_on=datetime.date(2026, 5, 1))
    wanted = CustomerActivityFactory(account=account, kind="workshop", starts_on=datetime.date(2026, 9, 1))
    query = {"kind": "workshop", "starts_since": "2026-06-01"}
    assert [r["id"] for r in api_for(executive).get(ACTIVITIES, query).json()["results"]] == [wanted.pk]


def test_a_bad_activity_filter_is_a_400(api_for, executive):
    assert api_for(executive).get(ACTIVITIES, {"starts_since": "soon"}).status_code == 400
    assert api_for(executive).get(ACTIVITIES, {"kind": "party"}).status_code == 400


@pytest.mark.parametrize("size", [3, 50])
def test_unmet_need_and_activity_lists_query_count_is_fixed(api_for, account_manager, django_assert_max_num_queries, size):
    account = AccountFactory()
    account.team.create(user=account_manager, role="kam")
    unit, people = OrgUnitFactory(account=account), [UserFactory(), UserFactory()]
    for _ in range(size):
        UnmetNeed.objects.create(account=account, org_unit=unit, offering=OfferingFactory(), note="n")
        activity = CustomerActivityFactory(account=account)
        activity.contacts.add(ContactFactory(account=account, org_unit=unit))
        activity.our_people.add(*people)
    client = api_for(account_manager)
    with django_assert_max_num_queries(4):
        assert len(client.get(NEEDS, {"page_size": 100}).json()["results"]) == size
    with django_assert_max_num_queries(6):
        assert len(client.get(ACTIVITIES, {"page_size": 100}).json()["results"]) == size
