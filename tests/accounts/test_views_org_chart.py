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
    assert response.headers["HX-Refresh"] == "true"
    added = Contact.objects.get(name="Park Jiwoo")
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
