"""`POST /api/v1/nps-responses/bulk/`: a survey tool sends a batch of NPS answers, recorded all or nothing."""

import datetime

import pytest

from performance.models import NpsResponse
from tests.factories import AccountFactory, ContactFactory, NpsResponseFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db

BULK = "/api/v1/nps-responses/bulk/"
YESTERDAY = datetime.date.today() - datetime.timedelta(days=1)


def answer(account, name="Kim Minji", score=9, day=YESTERDAY, **extra):
    return {"account": account.pk, "respondent_name": name, "score": score, "responded_on": str(day), **extra}


def snapshot():
    return list(
        NpsResponse.objects.order_by("pk").values_list(
            "pk", "account_id", "contact_id", "respondent_name", "score", "responded_on", "comment", "survey", "recorded_by"
        )
    )


def test_records_new_answers_and_leaves_stored_ones_alone_in_one_batch(api_for, account, account_manager):
    contact = ContactFactory(account=account, name="Park Jiho")
    stored = NpsResponseFactory(account=account, respondent_name="Kim Minji", score=9, responded_on=YESTERDAY)
    batch = [
        answer(account, "Kim Minji"),
        {"account": account.pk, "contact": contact.pk, "score": 6, "responded_on": str(YESTERDAY), "survey": "2026 H2"},
    ]
    response = api_for(account_manager).post(BULK, batch, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["created"], body["updated"], body["unchanged"]) == (1, 0, 1)
    new = NpsResponse.objects.get(contact=contact)
    assert body["results"] == [
        {"id": stored.pk, "account": account.pk, "respondent_name": "Kim Minji", "responded_on": str(YESTERDAY),
         "outcome": "unchanged"},
        {"id": new.pk, "account": account.pk, "respondent_name": "Park Jiho", "responded_on": str(YESTERDAY),
         "outcome": "created"},
    ]
    assert (new.respondent_name, new.score, new.survey, new.recorded_by) == ("Park Jiho", 6, "2026 H2", account_manager)


def test_sending_the_same_batch_twice_changes_nothing(api_for, account, account_manager):
    client = api_for(account_manager)
    contact = ContactFactory(account=account)
    batch = [answer(account, f"Respondent {n}", score=n, comment=f"Comment {n}") for n in range(5)]
    batch.append({"account": account.pk, "contact": contact.pk, "score": 10, "responded_on": str(YESTERDAY)})
    assert client.post(BULK, batch, format="json").json()["created"] == 6
    before = snapshot()
    again = client.post(BULK, batch, format="json").json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 6)
    assert snapshot() == before


def test_another_answer_under_a_stored_key_fails_the_batch_on_its_row(api_for, account, account_manager):
    NpsResponseFactory(account=account, respondent_name="Kim Minji", score=9, responded_on=YESTERDAY)
    before = snapshot()
    batch = [answer(account, "Lee Sora"), answer(account, "Kim Minji", score=3)]
    response = api_for(account_manager).post(BULK, batch, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["1"] and "non_field_errors" in response.json()["1"]
    assert snapshot() == before


def test_bad_rows_fail_the_whole_batch_with_errors_by_position(api_for, account, account_manager):
    batch = [
        answer(account, "A"),
        answer(account, "B", score=11),
        answer(account, "C"),
        answer(account, "D", day=datetime.date.today() + datetime.timedelta(days=2)),
    ]
    response = api_for(account_manager).post(BULK, batch, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"1"} and "score" in response.json()["1"]
    batch[1] = answer(account, "B")
    response = api_for(account_manager).post(BULK, batch, format="json")
    assert response.status_code == 400
    assert response.json() == {"3": {"responded_on": ["The response date is in the future."]}}
    assert not NpsResponse.objects.exists()


def test_the_same_respondent_and_date_twice_in_one_batch_is_an_error_on_the_later_row(api_for, account, account_manager):
    contact = ContactFactory(account=account, name="Kim Minji")
    batch = [answer(account, "Kim Minji"), {"account": account.pk, "contact": contact.pk, "score": 9, "responded_on": str(YESTERDAY)}]
    response = api_for(account_manager).post(BULK, batch, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["1"] and "non_field_errors" in response.json()["1"]
    assert not NpsResponse.objects.exists()


def test_an_answer_with_neither_name_nor_contact_is_a_row_error(api_for, account, account_manager):
    batch = [{"account": account.pk, "score": 9, "responded_on": str(YESTERDAY)}]
    response = api_for(account_manager).post(BULK, batch, format="json")
    assert response.status_code == 400 and "respondent_name" in response.json()["0"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("account", "1"), ("contact", "1"), ("score", "9"), ("score", 9.5), ("score", True), ("responded_on", 20261030),
     ("respondent_name", 5), ("respondent_name", ""), ("survey", ["2026"]), ("comment", "x" * 10_001)],
)
def test_a_value_of_the_wrong_json_type_is_a_row_error(api_for, account, account_manager, field, value):
    batch = [answer(account, "A"), {**answer(account, "B"), field: value}]
    response = api_for(account_manager).post(BULK, batch, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()) == ["1"] and field in response.json()["1"]
    assert not NpsResponse.objects.exists()


@pytest.mark.parametrize("body", [{}, [], "answers", [1, 2], {"0": {}}])
def test_a_batch_that_is_not_a_list_of_answers_is_a_400(api_for, account, account_manager, body):
    assert api_for(account_manager).post(BULK, body, format="json").status_code == 400


def test_a_row_of_an_account_the_caller_does_not_see_does_not_exist(api_for, account, other_account, account_manager):
    batch = [answer(account), answer(other_account)]
    response = api_for(account_manager).post(BULK, batch, format="json")
    assert response.status_code == 400
    assert response.json() == {"1": {"account": [f'Invalid pk "{other_account.pk}" - object does not exist.']}}
    assert not NpsResponse.objects.exists()


def test_a_contact_the_caller_does_not_see_does_not_exist(api_for, account, other_account, account_manager):
    hidden = ContactFactory(account=other_account)
    response = api_for(account_manager).post(BULK, [answer(account, contact=hidden.pk)], format="json")
    assert response.status_code == 400 and "contact" in response.json()["0"]
    assert not NpsResponse.objects.exists()


def test_a_contact_of_another_account_is_refused_on_its_row(api_for, account, other_account, kam_admin):
    foreign = ContactFactory(account=other_account)
    response = api_for(kam_admin).post(BULK, [answer(account), answer(account, "B", contact=foreign.pk)], format="json")
    assert response.status_code == 400
    assert response.json() == {"1": {"contact": ["The respondent belongs to another account."]}}
    assert not NpsResponse.objects.exists()


def test_executive_cannot_record_answers(api_for, account, executive):
    assert api_for(executive).post(BULK, [answer(account)], format="json").status_code == 403
    assert not NpsResponse.objects.exists()


def test_anonymous_caller_cannot_record_answers(api_for, account):
    assert api_for(None).post(BULK, [answer(account)], format="json").status_code == 401
    assert not NpsResponse.objects.exists()


def test_admin_records_answers_of_any_account(api_for, account, other_account, kam_admin):
    batch = [answer(account), answer(other_account)]
    assert api_for(kam_admin).post(BULK, batch, format="json").json()["created"] == 2


def test_a_batch_above_the_cap_is_refused(api_for, account, account_manager):
    batch = [answer(account, f"Person {n}") for n in range(1001)]
    response = api_for(account_manager).post(BULK, batch, format="json")
    assert response.status_code == 400 and "1000" in str(response.json())
    assert not NpsResponse.objects.exists()


def test_a_batch_at_the_cap_is_taken(api_for, account, account_manager, monkeypatch):
    monkeypatch.setattr("performance.api.NpsResponseViewSet.bulk_max_rows", 3)
    client = api_for(account_manager)
    assert client.post(BULK, [answer(account, f"P{n}") for n in range(4)], format="json").status_code == 400
    assert client.post(BULK, [answer(account, f"P{n}") for n in range(3)], format="json").json()["created"] == 3


@pytest.mark.parametrize("size", [3, 50])
def test_bulk_query_count_does_not_grow_with_the_batch(api_for, account, account_manager, django_assert_max_num_queries, size):
    second = AccountFactory()
    TeamMemberFactory(account=second, user=account_manager)
    contacts = [ContactFactory(account=(account, second)[n % 2]) for n in range(4)]
    batch = [
        {"account": contacts[n % 4].account_id, "contact": contacts[n % 4].pk, "score": n % 11,
         "responded_on": str(YESTERDAY - datetime.timedelta(days=n))}
        for n in range(size)
    ]
    client = api_for(account_manager)
    with django_assert_max_num_queries(10):
        assert client.post(BULK, batch, format="json").json()["created"] == size
    with django_assert_max_num_queries(10):
        assert client.post(BULK, batch, format="json").json()["unchanged"] == size


def test_new_answers_refresh_the_kpi_snapshots_after_commit_and_a_repeated_batch_does_not(
    api_for, account, account_manager, django_capture_on_commit_callbacks, monkeypatch
):
    refreshed = []
    monkeypatch.setattr("performance.services._refresh_after_import", lambda ids, *, orders: refreshed.append((ids, orders)))
    client = api_for(account_manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(BULK, [answer(account)], format="json")
    assert refreshed == [([account.pk], False)]
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(BULK, [answer(account)], format="json")
    assert callbacks == []
