"""The org-change log reads in the reader's language: entries store names and titles, the line is composed when shown."""

import datetime
import importlib

import pytest
from django.utils import translation

from accounts.models import Contact, OrgChange
from accounts.services import contact_save, org_unit_save
from tests.factories import OrgUnitFactory

pytestmark = pytest.mark.django_db


def _text(change: OrgChange, language: str) -> str:
    """The line as read, without the isolate marks around the customer's names (checked on their own below)."""
    with translation.override(language):
        return change.text.replace("\u2068", "").replace("\u2069", "")


def test_a_contact_save_logs_names_not_sentences(account, account_manager):
    unit = OrgUnitFactory(account=account, name="구매팀")
    with translation.override("en"):
        person = contact_save(contact=Contact(account=account, name="김지훈", title="차장"), acting_user=account_manager)
        person.org_unit = unit
        contact_save(contact=person, acting_user=account_manager)
        person.status = Contact.Status.LEFT
        contact_save(contact=person, acting_user=account_manager, happened_on=datetime.date(2026, 3, 31))
    joined, moved, left = OrgChange.objects.filter(contact=person).order_by("pk")
    assert joined.details == {"name": "김지훈", "title": "차장"}
    assert _text(joined, "en") == "김지훈 joined as 차장"
    with translation.override("en"):
        assert joined.text == "\u2068김지훈\u2069 joined as \u2068차장\u2069"  # names cannot reorder the line
    assert _text(joined, "ko") == "김지훈 님 입사 (차장)"
    assert _text(moved, "ko") == "김지훈 님 구매팀(으)로 이동"
    assert _text(left, "en") == "김지훈 left the company"
    assert _text(left, "ko") == "김지훈 님 퇴사"
    assert str(left) == "\u2068김지훈\u2069 left the company"


def test_a_unit_move_reads_in_both_languages(account, account_manager):
    top, unit = OrgUnitFactory(account=account, name="본사"), OrgUnitFactory(account=account, name="구매팀")
    unit.parent = top
    org_unit_save(unit=unit, acting_user=account_manager)
    change = OrgChange.objects.get(kind="unit_changed")
    assert _text(change, "ko") == "구매팀 조직이 본사 아래로 이동"
    unit.parent = None
    org_unit_save(unit=unit, acting_user=account_manager)
    assert _text(OrgChange.objects.filter(kind="unit_changed").order_by("pk").last(), "ko") == "구매팀 조직이 최상위 아래로 이동"


def test_a_free_text_entry_is_shown_as_written(account):
    change = OrgChange.objects.create(account=account, kind="moved", description="Reorganised", happened_on=datetime.date(2026, 1, 5))
    assert _text(change, "ko") == "Reorganised"


@pytest.mark.parametrize(
    ("kind", "sentence", "details"),
    [
        ("joined", "Park Minho joined as Buyer", {"name": "Park Minho", "title": "Buyer"}),
        ("joined", "Park Minho joined Purchasing as Buyer", {"name": "Park Minho", "unit": "Purchasing", "title": "Buyer"}),
        ("joined", "박민호 입사 (구매팀 대리)", {"name": "박민호", "unit": "구매팀", "title": "대리"}),
        ("joined", "박민호 님이 대리(으)로 합류", {"name": "박민호", "title": "대리"}),
        ("joined", "Park Minho returned", {"name": "Park Minho", "returned": True}),
        ("left", "Park Minho (Buyer) left the company", {"name": "Park Minho", "title": "Buyer"}),
        ("left", "Park Minho left", {"name": "Park Minho"}),
        ("left", "박민호 구매팀장 퇴사", {"name": "박민호", "title": "구매팀장"}),
        ("moved", "김지훈 moved to 구매팀", {"name": "김지훈", "unit": "구매팀"}),
        ("moved", "김지훈 moved to —", {"name": "김지훈"}),
        ("role_changed", "김지훈: 과장 → 차장 (구매팀)", {"name": "김지훈", "old": "과장", "new": "차장", "unit": "구매팀"}),
        ("role_changed", "김지훈: 과장 → 차장", {"name": "김지훈", "old": "과장", "new": "차장"}),
        ("unit_changed", "Unit 구매팀 moved under the top level", {"unit": "구매팀", "parent": ""}),
        ("moved", "Reorganised", {}),
    ],
)
def test_the_migration_reads_stored_sentences_back_into_details(account, kind, sentence, details):
    from django.apps import apps

    migration = importlib.import_module("accounts.migrations.0013_org_change_details")
    change = OrgChange.objects.create(account=account, kind=kind, description=sentence, happened_on=datetime.date(2026, 1, 5))
    migration.details_from_sentences(apps, None)
    change.refresh_from_db()
    assert change.details == details
