"""One-to-one mapping by level: our executives, middle managers and staff to the customer's."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccountTeamMember, Contact, level_from_title
from accounts.selectors import relationship_map
from tests.factories import AccountFactory, AccountPlanFactory, ContactFactory, RelationshipFactory, TeamMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("title", "level"), [
    ("대표이사", "executive"), ("영업본부장", "executive"), ("상무", "executive"), ("Chief Information Officer", "executive"),
    ("CIO", "executive"), ("Head of IT", "executive"), ("Director, Procurement", "executive"),
    ("구매팀장", "manager"), ("IT 부장", "manager"), ("차장", "manager"), ("Plant Manager", "manager"), ("Team Lead", "manager"),
    ("Factory Manager", "manager"), ("대리", "staff"), ("사원", "staff"), ("Buyer", "staff"), ("Coordinator", "staff"), ("", "staff"),
])
def test_a_contacts_level_is_read_from_the_title(title, level):
    assert level_from_title(title) == level


@pytest.fixture
def mapped(account, account_manager):
    """KAM `am-user` (middle manager, counts as executive on the map), sponsor (executive), rep (staff), an engineer
    who is an executive with no counterpart. Key people: CEO ↔ sponsor, CIO ↔ rep only, Kingpin (manager) ↔ KAM only,
    Fox (staff) ↔ rep, CTO ↔ KAM; a staff buyer (not key) ↔ the sponsor."""
    account_manager.level = "manager"
    account_manager.save()
    sponsor = TeamMemberFactory(account=account, role="executive_sponsor", user=UserFactory(username="sponsor", level="executive")).user
    rep = TeamMemberFactory(account=account, role="sales_rep", user=UserFactory(username="rep", level="staff")).user
    TeamMemberFactory(account=account, role="engineer", user=UserFactory(username="cto-ours", first_name="Lonely", level="executive"))
    today = timezone.localdate()
    people = {
        "ceo": ContactFactory(account=account, name="CEO Kang", level="executive", is_decision_maker=True),
        "cio": ContactFactory(account=account, name="CIO Han", level="executive", is_decision_maker=True),
        "kingpin": ContactFactory(account=account, name="Kingpin Yoo", level="manager", is_kingpin=True),
        "fox": ContactFactory(account=account, name="Fox Lim", level="staff", is_fox=True),
        "cto": ContactFactory(account=account, name="CTO Baek", level="executive", is_decision_maker=True),
        "buyer": ContactFactory(account=account, name="Buyer Jo", level="staff"),
    }
    for user, who in [(sponsor, "ceo"), (rep, "cio"), (account_manager, "kingpin"), (rep, "fox"), (account_manager, "cto"), (sponsor, "buyer")]:
        RelationshipFactory(user=user, contact=people[who], last_interaction_on=today - datetime.timedelta(days=3))
    return people


def _rows(data):
    return {row["contact"].name: row for level in data["levels"] for row in level["rows"]}


def test_map_flags_key_people_covered_only_at_another_level(account, mapped):
    data = relationship_map(account=account, today=timezone.localdate())
    rows = _rows(data)
    flagged = {name for name, row in rows.items() if row["level_mismatch"]}
    # CIO (executive) only by a staff rep; Kingpin (manager) only by the KAM, who counts as an executive.
    assert flagged == {"CIO Han", "Kingpin Yoo"}
    assert data["level_mismatch_count"] == 2
    # A person who is not key is never flagged, however mapped.
    assert not rows["Buyer Jo"]["level_mismatch"]


def test_coverage_counts_key_people_covered_at_their_level(account, mapped):
    coverage = relationship_map(account=account, today=timezone.localdate())["coverage"]
    # Key: CEO, CIO, Kingpin, Fox, CTO = 5; at their level: CEO (sponsor), Fox (rep), CTO (KAM) = 3.
    assert coverage == {"key": 5, "matched": 3, "percent": 60}


def test_map_lists_our_executives_without_a_counterpart(account, mapped):
    data = relationship_map(account=account, today=timezone.localdate())
    # The sponsor meets the CEO and the KAM the CTO; our executive engineer meets no one.
    assert [member.user.username for member in data["executives_without_counterpart"]] == ["cto-ours"]


def test_a_kam_with_no_executive_counterpart_is_listed(account, account_manager):
    ContactFactory(account=account, level="executive", is_decision_maker=True)
    data = relationship_map(account=account, today=timezone.localdate())
    assert [member.role for member in data["executives_without_counterpart"]] == [AccountTeamMember.Role.KAM]


def test_relationship_page_shows_level_coverage(client_for, account, account_manager, mapped):
    response = client_for(account_manager).get(reverse("accounts:relationships", args=[account.pk]), {"view": "table"})
    assert response.status_code == 200
    text = response.text
    assert "60 %" in text and "3 of 5" in text
    assert text.count('class="badge text-bg-warning level-mismatch"') == 2
    assert "Lonely" in text.split('id="level-coverage"')[1].split("gap-legend")[0]


def test_drawn_map_badges_key_people_covered_only_at_another_level(client_for, account, account_manager, mapped):
    response = client_for(account_manager).get(reverse("accounts:relationships", args=[account.pk]), {"view": "map"})
    assert response.status_code == 200
    drawing = response.context["drawing"]
    flagged = {box.name for box in drawing.theirs if box.level_mismatch}
    assert flagged == {"CIO Han", "Kingpin Yoo"} and sorted(drawing.level_mismatches) == ["CIO Han", "Kingpin Yoo"]
    svg = response.text.split("<svg")[1].split("</svg>")[0]
    assert svg.count('class="level-badge"') == 2 and svg.count("level-mismatch") == 2
    assert "Covered only at another level" in svg
    listed = response.text.split('id="drawing-level-mismatches"')[1].split("</div>")[0]
    assert "CIO Han" in listed and "Kingpin Yoo" in listed and "CEO Kang" not in listed


def test_relationship_page_in_korean(client_for, account, account_manager, mapped):
    client = client_for(account_manager)
    response = client.get(reverse("accounts:relationships", args=[account.pk]), headers={"Accept-Language": "ko"})
    assert "다른 직급" in response.text


@pytest.mark.parametrize("size", [3, 30])
def test_relationship_page_query_count_does_not_grow(client_for, account, account_manager, django_assert_max_num_queries, size):
    for index in range(size):
        contact = ContactFactory(account=account, level="executive", is_decision_maker=True)
        RelationshipFactory(user=UserFactory(level="staff"), contact=contact)
        TeamMemberFactory(account=account, role="engineer", user=UserFactory(level="executive"))
    client = client_for(account_manager)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("accounts:relationships", args=[account.pk])).status_code == 200


def test_meeting_snapshot_coverage_counts_level_matched_people(account, mapped):
    from planning.snapshot import org_section

    plan = AccountPlanFactory(account=account)
    section = org_section(plan)
    # The snapshot's key people also hold purchasing people, influencers and executives; the same five here.
    assert section["coverage_percent"] == 60


# Setting a contact's level -----------------------------------------------------------------

HX = {"HX-Request": "true"}


def _person(**overrides):
    data = {"name": "Park Jiwoo", "title": "구매팀장", "level": "", "influence": 3, "attitude": "neutral", "status": "active",
            "happened_on": "2026-03-02"}
    data.update(overrides)
    return data


def test_form_reads_the_level_from_the_title_when_left_empty(client_for, account, account_manager):
    client_for(account_manager).post(reverse("accounts:contact-add", args=[account.pk]), _person(), headers=HX)
    assert Contact.objects.get(name="Park Jiwoo").level == "manager"


def test_form_keeps_a_level_set_by_hand(client_for, account, account_manager):
    client_for(account_manager).post(reverse("accounts:contact-add", args=[account.pk]), _person(level="executive"), headers=HX)
    assert Contact.objects.get(name="Park Jiwoo").level == "executive"


def test_form_refuses_an_unknown_level(client_for, account, account_manager):
    response = client_for(account_manager).post(reverse("accounts:contact-add", args=[account.pk]), _person(level="boss"))
    assert response.status_code == 200
    assert not Contact.objects.filter(name="Park Jiwoo").exists()
