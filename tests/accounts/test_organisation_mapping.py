"""Import and export of the organisation's mapping: preview, row errors, all-or-nothing, round trip."""

import io

import pytest
from django.urls import reverse

from accounts import mapping
from accounts.models import Account, AccountTeamMember, BusinessUnit, OrganisationEvent, User
from tests.factories import AccountFactory, BusinessUnitFactory, TeamMemberFactory, make_account_manager

pytestmark = pytest.mark.django_db

GOOD = (
    "username,first_name,last_name,email,role,unit,unit_kind,level,account,account_vertical_unit,team_role\n"
    "hkim,Hana,Kim,hana@example.com,Account manager,Cloud platform,horizontal,staff,Hanbit,Smart factory,kam\n"
    "jlee,Jun,Lee,jun@example.com,Executive,,,executive,Hanbit,,executive_sponsor\n"
    ",,,,,,,,Daon,Smart factory,\n"
)


@pytest.fixture
def accounts_world():
    old = BusinessUnitFactory(name="Old sector")
    return AccountFactory(name="Hanbit", vertical_unit=old), AccountFactory(name="Daon", vertical_unit=old)


def _upload(client, text: str, name: str = "hr.csv"):
    return client.post(reverse("accounts:organisation-mapping"), {"file": _file(text, name)})


def _file(text, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_preview_then_commit_writes_everything_with_history(client, kam_admin, accounts_world):
    hanbit, daon = accounts_world
    client.force_login(kam_admin)
    response = _upload(client, GOOD)
    html = response.content.decode()
    assert response.status_code == 200 and "Import all rows" in html and "2 new people" in html
    assert not User.objects.filter(username="hkim").exists()  # the preview writes nothing
    payload = response.context["payload"]
    response = client.post(reverse("accounts:organisation-mapping-commit"), {"payload": payload})
    assert response.status_code == 302
    hkim = User.objects.get(username="hkim")
    assert hkim.business_unit.name == "Cloud platform" and hkim.business_unit.kind == "horizontal" and hkim.level == "staff"
    assert not hkim.has_usable_password() and hkim.groups.get().name == "Account manager"
    hanbit.refresh_from_db()
    daon.refresh_from_db()
    assert hanbit.vertical_unit.name == "Smart factory" and daon.vertical_unit == hanbit.vertical_unit
    assert dict(hanbit.team.values_list("user__username", "role")) == {"hkim": "kam", "jlee": "executive_sponsor"}
    assert OrganisationEvent.objects.filter(kind="account_moved").count() == 2


def test_row_errors_are_listed_and_nothing_is_written(client, kam_admin, accounts_world):
    bad = GOOD + "ghost,G,Host,not-an-email,Emperor,Nowhere,,boss,Missing account,,kam\nhkim2,,,,,,,,Hanbit,,kam\n"
    client.force_login(kam_admin)
    html = _upload(client, bad).content.decode()
    for text in ("Line 5", "not an e-mail address", "Unknown role", "Unknown level", "give its kind", "No account is named “Missing account”", "Line 6", "one KAM"):
        assert text in html, text
    assert "Import all rows" not in html
    assert not User.objects.filter(username__in=["hkim", "ghost"]).exists()


def test_altered_or_invalid_payload_imports_nothing(client, kam_admin, accounts_world):
    client.force_login(kam_admin)
    response = client.post(reverse("accounts:organisation-mapping-commit"), {"payload": "forged"}, follow=True)
    assert "expired or was altered" in response.content.decode()
    assert not User.objects.filter(username="hkim").exists()


def test_unreadable_files_are_refused(client, kam_admin):
    client.force_login(kam_admin)
    assert "The file is empty" in _upload(client, "").content.decode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    for upload in (
        SimpleUploadedFile("hr.csv", "name\nx\n".encode()),
        SimpleUploadedFile("hr.csv", "username\n".encode("utf-16")),
        SimpleUploadedFile("hr.xlsx", b"PK not really"),
    ):
        response = client.post(reverse("accounts:organisation-mapping"), {"file": upload})
        assert response.status_code == 200 and "is-invalid" in response.content.decode()
    assert "Choose a CSV" in client.post(reverse("accounts:organisation-mapping")).content.decode()


def test_excel_file_is_read(kam_admin, accounts_world):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for line in GOOD.splitlines():
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    rows = mapping.read_rows(content=buffer.getvalue(), filename="hr.xlsx")
    assert rows[0]["username"] == "hkim" and mapping.plan_import(rows).ok


def test_export_round_trips_through_the_import(client, kam_admin, account, account_manager, executive):
    AccountFactory(name="Teamless", vertical_unit=BusinessUnitFactory(name="Public sector"))
    client.force_login(executive)
    response = client.get(reverse("accounts:organisation-mapping-export"))
    text = response.content.decode("utf-8-sig")
    assert response.status_code == 200 and text.startswith("username,")
    assert f"am-user,First" in text and "Teamless,Public sector" in text
    rows = mapping.read_rows(content=response.content, filename="export.csv")
    plan = mapping.plan_import(rows)
    assert plan.ok, plan.errors
    before = AccountTeamMember.objects.count()
    mapping.import_commit(rows=rows, acting_user=kam_admin)
    assert AccountTeamMember.objects.count() == before


def test_only_admins_import(client, executive, accounts_world):
    client.force_login(executive)
    assert _upload(client, GOOD).status_code == 403
