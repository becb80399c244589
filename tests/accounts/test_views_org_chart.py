import datetime

import pytest

from core.text import isolate
from django.urls import reverse

from accounts.models import Contact, OrgChange, OrgUnit
from tests.factories import AccountFactory, ContactFactory, OrgUnitFactory

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def chart_url(account, **params):
    url = reverse("accounts:org-chart", args=[account.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def person(**overrides):
    data = {"name": "Park Jiwoo", "title": "Buyer", "level": "staff", "influence": 3, "attitude": "neutral", "status": "active",
            "happened_on": "2026-03-02"}
    data.update(overrides)
    return data


def test_chart_draws_reports_inside_their_managers_branch(client_for, account, account_manager):
    boss = ContactFactory(account=account, name="Boss Kim")
    deputy = ContactFactory(account=account, name="Deputy Lee", reports_to=boss)
    ContactFactory(account=account, name="Staff Choi", reports_to=deputy)
    response = client_for(account_manager).get(chart_url(account))
    text = response.text
    branch = text[text.index(f'id="reports-{boss.pk}"'):]
    assert "Deputy Lee" in branch and "Staff Choi" in branch
    assert [node.contact.name for node in response.context["forest"]] == ["Boss Kim"]
    assert response.context["forest"][0].size == 3


def test_chart_shows_buying_roles_attitude_and_influence(client_for, account, account_manager):
    ContactFactory(account=account, name="Kingpin Yoon", is_kingpin=True, is_decision_maker=True, attitude="supporter", influence=5)
    text = client_for(account_manager).get(chart_url(account)).text
    assert "role-kingpin" in text and "role-decision_maker" in text
    assert "attitude-supporter" in text
    assert "influence 5/5" in text


def test_unit_filter_shows_the_unit_and_its_sub_units_only(client_for, account, account_manager):
    sales = OrgUnitFactory(account=account, name="Sales")
    east = OrgUnitFactory(account=account, name="Sales East", parent=sales)
    ContactFactory(account=account, name="In Sales East", org_unit=east)
    ContactFactory(account=account, name="In Finance", org_unit=OrgUnitFactory(account=account, name="Finance"))
    text = client_for(account_manager).get(chart_url(account, unit=sales.pk)).text
    assert "In Sales East" in text and "In Finance" not in text


def test_people_who_left_are_hidden_unless_asked_for(client_for, account, account_manager):
    ContactFactory(account=account, name="Gone Han", status="left", left_on=datetime.date(2026, 1, 5))
    client = client_for(account_manager)
    assert "Gone Han" not in client.get(chart_url(account)).text
    assert "Gone Han" in client.get(chart_url(account, left=1)).text


def test_team_member_adds_a_person_under_a_manager(client_for, account, account_manager):
    manager = ContactFactory(account=account, name="Manager Seo", level="manager")
    client = client_for(account_manager)
    form = client.get(reverse("accounts:contact-add", args=[account.pk]) + f"?reports_to={manager.pk}", headers=HX)
    assert form.context["form"].initial["reports_to"] == manager
    response = client.post(reverse("accounts:contact-add", args=[account.pk]), person(reports_to=manager.pk), headers=HX)
    added = Contact.objects.get(name="Park Jiwoo")
    # back on the chart with the new person shown: their manager's branch is opened for them
    assert response.headers["HX-Redirect"] == chart_url(account, show=added.pk)
    assert added.reports_to == manager and added.account == account
    change = OrgChange.objects.get(contact=added)
    assert change.kind == "joined" and change.happened_on == datetime.date(2026, 3, 2) and change.recorded_by == account_manager


def test_a_person_leaving_is_logged_with_its_date_and_shown_in_what_changed(client_for, account, account_manager):
    dm = ContactFactory(account=account, name="Decider Oh", is_decision_maker=True)
    client = client_for(account_manager)
    data = person(name="Decider Oh", is_decision_maker="on", status="left", left_on="2026-02-10")
    client.post(reverse("accounts:contact-edit", args=[account.pk, dm.pk]), data)
    dm.refresh_from_db()
    assert dm.status == "left" and dm.left_on == datetime.date(2026, 2, 10)
    change = OrgChange.objects.get(contact=dm, kind="left")
    assert change.happened_on == datetime.date(2026, 2, 10)
    text = client.get(chart_url(account, since="2026-01-01")).text
    line = f"{isolate('Decider Oh')} left"  # the name isolated, so its direction cannot reorder the line
    assert line in text
    assert line not in client.get(chart_url(account, since="2026-03-01")).text


def test_a_role_change_is_logged(client_for, account, account_manager):
    contact = ContactFactory(account=account, name="Rising Jang", title="Manager")
    client_for(account_manager).post(
        reverse("accounts:contact-edit", args=[account.pk, contact.pk]),
        person(name="Rising Jang", title="Director", is_decision_maker="on"),
    )
    change = OrgChange.objects.get(contact=contact, kind="role_changed")
    assert "Director" in change.text and "decision maker" in change.text


def test_a_cycle_in_reports_to_is_refused_with_a_message(client_for, account, account_manager):
    boss = ContactFactory(account=account, name="Boss Kim")
    report = ContactFactory(account=account, name="Report Lee", reports_to=boss)
    response = client_for(account_manager).post(
        reverse("accounts:contact-edit", args=[account.pk, boss.pk]), person(name="Boss Kim", reports_to=report.pk), headers=HX
    )
    assert response.status_code == 200
    assert "This manager reports, directly or not, to this person." in response.text
    assert "Nothing was saved" in response.text
    boss.refresh_from_db()
    assert boss.reports_to is None
    assert not OrgChange.objects.exists()


def test_a_manager_from_another_account_is_refused_with_a_message(client_for, account, account_manager):
    stranger = ContactFactory(account=AccountFactory(), name="Stranger")
    response = client_for(account_manager).post(
        reverse("accounts:contact-add", args=[account.pk]), person(reports_to=stranger.pk)
    )
    assert "Choose a manager from this account&#x27;s org chart." in response.text
    assert not Contact.objects.filter(name="Park Jiwoo").exists()


def test_a_unit_cannot_move_inside_its_own_branch(client_for, account, account_manager):
    top = OrgUnitFactory(account=account, name="Top")
    child = OrgUnitFactory(account=account, name="Child", parent=top)
    response = client_for(account_manager).post(
        reverse("accounts:org-unit-edit", args=[account.pk, top.pk]), {"name": "Top", "parent": child.pk}
    )
    assert "This parent would put the unit inside its own branch." in response.text
    top.refresh_from_db()
    assert top.parent is None


def test_a_unit_name_is_unique_in_its_account(client_for, account, account_manager):
    OrgUnitFactory(account=account, name="Purchasing")
    response = client_for(account_manager).post(reverse("accounts:org-unit-add", args=[account.pk]), {"name": "Purchasing"})
    assert response.status_code == 200
    assert "already exists" in response.text
    assert OrgUnit.objects.filter(account=account).count() == 1


def test_moving_a_unit_is_logged(client_for, account, account_manager):
    top = OrgUnitFactory(account=account, name="Top")
    moving = OrgUnitFactory(account=account, name="Moving")
    client_for(account_manager).post(
        reverse("accounts:org-unit-edit", args=[account.pk, moving.pk]), {"name": "Moving", "parent": top.pk}
    )
    assert OrgChange.objects.get(kind="unit_changed").text == "Unit \u2068Moving\u2069 moved under \u2068Top\u2069"


def test_a_reporting_loop_already_in_the_data_is_drawn_once(client_for, account, account_manager):
    first = ContactFactory(account=account, name="Loop A")
    second = ContactFactory(account=account, name="Loop B", reports_to=first)
    Contact.objects.filter(pk=first.pk).update(reports_to=second)  # written around the services
    response = client_for(account_manager).get(chart_url(account))
    assert response.status_code == 200
    assert response.context["people_count"] == 2
    assert sum(node.size for node in response.context["forest"]) == 2


def move_url(account, contact):
    return reverse("accounts:contact-reports-to", args=[account.pk, contact.pk])


def test_a_saved_person_is_revealed_on_the_chart_keeping_its_filters(client_for, account, account_manager):
    unit = OrgUnitFactory(account=account, name="Sales")
    client = client_for(account_manager)
    headers = {**HX, "HX-Current-URL": "http://testserver" + chart_url(account, unit=unit.pk)}
    response = client.post(reverse("accounts:contact-add", args=[account.pk]), person(org_unit=unit.pk), headers=headers)
    added = Contact.objects.get(name="Park Jiwoo")
    assert response.headers["HX-Redirect"] == chart_url(account, unit=unit.pk, show=added.pk)
    page = client.get(response.headers["HX-Redirect"])
    assert f'data-reveal="{added.pk}"' in page.text


def test_dropping_a_person_on_another_changes_their_manager_and_offers_undo(client_for, account, account_manager):
    unit = OrgUnitFactory(account=account, name="Purchasing")
    old_boss = ContactFactory(account=account, name="Old Boss", org_unit=unit)
    new_boss = ContactFactory(account=account, name="New Boss", org_unit=unit)
    lee = ContactFactory(account=account, name="Lee Sora", reports_to=old_boss, org_unit=unit)
    client = client_for(account_manager)
    response = client.post(move_url(account, lee), {"reports_to": new_boss.pk}, headers=HX)
    assert response.status_code == 200
    assert "Lee Sora now reports to New Boss." in response.text
    assert 'id="org-board"' in response.text and f'data-reveal="{lee.pk}"' in response.text
    undo = response.text[response.text.index('name="reports_to" value="'):]
    assert undo.startswith(f'name="reports_to" value="{old_boss.pk}"')
    lee.refresh_from_db()
    assert lee.reports_to == new_boss
    assert OrgChange.objects.filter(contact=lee, kind="moved", recorded_by=account_manager).count() == 1

    undone = client.post(move_url(account, lee), {"reports_to": old_boss.pk, "undo": "1"}, headers=HX)
    assert "Undone: Lee Sora reports to Old Boss again." in undone.text
    assert "Undo</button>" not in undone.text
    lee.refresh_from_db()
    assert lee.reports_to == old_boss


def test_a_drop_on_the_own_manager_changes_nothing(client_for, account, account_manager):
    boss = ContactFactory(account=account, name="Boss Kim")
    lee = ContactFactory(account=account, name="Lee Sora", reports_to=boss)
    response = client_for(account_manager).post(move_url(account, lee), {"reports_to": boss.pk}, headers=HX)
    assert "now reports to" not in response.text and "Undo</button>" not in response.text
    assert not OrgChange.objects.exists()


def test_a_person_moved_to_the_top_reports_to_no_one(client_for, account, account_manager):
    boss = ContactFactory(account=account, name="Boss Kim")
    lee = ContactFactory(account=account, name="Lee Sora", reports_to=boss)
    response = client_for(account_manager).post(move_url(account, lee), {"reports_to": ""})
    assert response.status_code == 302 and f"show={lee.pk}" in response["Location"]
    lee.refresh_from_db()
    assert lee.reports_to is None


def test_a_drop_making_a_loop_is_refused_with_a_message(client_for, account, account_manager):
    boss = ContactFactory(account=account, name="Boss Kim")
    lee = ContactFactory(account=account, name="Lee Sora", reports_to=boss)
    client = client_for(account_manager)
    response = client.post(move_url(account, boss), {"reports_to": lee.pk}, headers=HX)
    assert "This manager reports, directly or not, to this person." in response.text
    assert 'role="alert"' in response.text
    boss.refresh_from_db()
    assert boss.reports_to is None
    itself = client.post(move_url(account, boss), {"reports_to": boss.pk}, headers=HX)
    assert "A person cannot report to themselves." in itself.text


@pytest.mark.parametrize("bad", ["abc", "-1", "999999", "1e3"])
def test_a_bad_manager_id_is_refused_without_a_crash(client_for, account, account_manager, bad):
    lee = ContactFactory(account=account, name="Lee Sora")
    response = client_for(account_manager).post(move_url(account, lee), {"reports_to": bad}, headers=HX)
    assert response.status_code == 200
    assert "Choose a manager from this account&#x27;s org chart." in response.text


def test_a_manager_from_another_account_cannot_be_dropped_on(client_for, account, account_manager):
    stranger = ContactFactory(account=AccountFactory(), name="Stranger")
    lee = ContactFactory(account=account, name="Lee Sora")
    client_for(account_manager).post(move_url(account, lee), {"reports_to": stranger.pk}, headers=HX)
    lee.refresh_from_db()
    assert lee.reports_to is None


def test_only_the_team_moves_people(client_for, account, executive, other_account_manager):
    boss = ContactFactory(account=account)
    lee = ContactFactory(account=account)
    assert client_for(executive).post(move_url(account, lee), {"reports_to": boss.pk}).status_code == 403
    assert client_for(other_account_manager).post(move_url(account, lee), {"reports_to": boss.pk}).status_code == 404
    lee.refresh_from_db()
    assert lee.reports_to is None


@pytest.mark.parametrize("size", [3, 40])
def test_the_move_answer_has_a_fixed_query_count(client_for, account, account_manager, django_assert_max_num_queries, size):
    unit = OrgUnitFactory(account=account)
    boss = ContactFactory(account=account, org_unit=unit)
    people = [ContactFactory(account=account, org_unit=unit, reports_to=boss) for _ in range(size)]
    client = client_for(account_manager)
    with django_assert_max_num_queries(30):
        assert client.post(move_url(account, people[0]), {"reports_to": people[1].pk}, headers=HX).status_code == 200


def test_reports_to_lists_title_and_unit_and_is_searchable(client_for, account, account_manager):
    unit = OrgUnitFactory(account=account, name="Purchasing")
    ContactFactory(account=account, name="Kim Daehyun", title="Head of purchasing", org_unit=unit)
    form = client_for(account_manager).get(reverse("accounts:contact-add", args=[account.pk]), headers=HX)
    assert "Kim Daehyun — Head of purchasing · Purchasing" in form.text
    assert "data-searchable" in form.text


@pytest.mark.parametrize("size", [3, 200])
def test_the_chart_has_a_fixed_query_count(client_for, account, account_manager, django_assert_max_num_queries, size):
    units = [OrgUnitFactory(account=account), OrgUnitFactory(account=account)]
    boss = ContactFactory(account=account, org_unit=units[0])
    managers = [ContactFactory(account=account, org_unit=units[i % 2], reports_to=boss) for i in range(max(1, size // 10))]
    for i in range(size):
        ContactFactory(account=account, org_unit=units[i % 2], reports_to=managers[i % len(managers)], is_fox=i % 7 == 0)
    ContactFactory(account=account, status=Contact.Status.LEFT, left_on=datetime.date(2026, 1, 5), reports_to=boss)
    client = client_for(account_manager)
    for query in ({}, {"left": "1"}, {"unit": units[1].pk}):
        with django_assert_max_num_queries(12):
            response = client.get(chart_url(account, **query))
        assert response.status_code == 200
        assert response.text.count('class="org-box') == response.context["people_count"]


def test_chart_boxes_escape_what_people_typed(client_for, account, account_manager):
    unit = OrgUnitFactory(account=account, name="<b>R&D</b>")
    boss = ContactFactory(account=account, name='Kim "<script>"', title="<i>CEO</i>", org_unit=unit)
    ContactFactory(account=account, name="Lee", reports_to=boss)
    text = client_for(account_manager).get(chart_url(account)).text
    assert "<script>" not in text.split("<main")[-1] and "<i>CEO</i>" not in text and "<b>R&D</b>" not in text
    assert "Kim &quot;&lt;script&gt;&quot;" in text and "&lt;i&gt;CEO&lt;/i&gt;" in text and "&lt;b&gt;R&amp;D&lt;/b&gt;" in text


def test_chart_marks_a_person_whose_manager_is_in_another_unit(client_for, account, account_manager):
    sales, finance = OrgUnitFactory(account=account, name="Sales"), OrgUnitFactory(account=account, name="Finance")
    boss = ContactFactory(account=account, name="Boss Kim", org_unit=finance)
    ContactFactory(account=account, name="Rep Park", org_unit=sales, reports_to=boss)
    text = client_for(account_manager).get(chart_url(account, unit=sales.pk)).text
    assert "bi-arrow-up" in text and "Boss Kim" in text
    assert f'data-manager-id="{boss.pk}"' in text
