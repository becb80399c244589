import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from planning.models import PlanAttachment
from tests.factories import AccountPlanFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def office_file(main_part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(main_part, "<document/>")
    return buffer.getvalue()


@pytest.fixture
def draft(account):
    return AccountPlanFactory(account=account)


def upload(client, plan, name, content, content_type="application/octet-stream"):
    return client.post(
        reverse("planning:attachment-upload", args=[plan.pk]),
        {"file": SimpleUploadedFile(name, content, content_type=content_type), "description": "CFO slides"},
        follow=True,
    )


@pytest.mark.parametrize(
    "name, content, kind",
    [
        ("사업계획.pdf", PDF, "pdf"),
        ("plan.docx", office_file("word/document.xml"), "word"),
        ("budget.xlsx", office_file("xl/workbook.xml"), "excel"),
        ("deck.pptx", office_file("ppt/presentation.xml"), "powerpoint"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "excel"),
    ],
)
def test_pdf_and_office_files_are_attached(client_for, draft, account_manager, name, content, kind):
    response = upload(client_for(account_manager), draft, name, content)
    assert f"“{name}” is attached." in response.text
    attachment = PlanAttachment.objects.get()
    assert (attachment.original_name, attachment.kind, attachment.size) == (name, kind, len(content))
    assert attachment.uploaded_by == account_manager
    # Stored under a random name, never under static files.
    assert attachment.file.name.startswith(f"plan-attachments/{draft.pk}/") and name not in attachment.file.name


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("script.exe", b"MZ\x90\x00", "Only PDF, Word, Excel and PowerPoint files are accepted"),
        ("fake.pdf", b"<html>not a pdf</html>", "is not really a .pdf file"),
        ("fake.docx", office_file("xl/workbook.xml"), "is not really a .docx file"),
        ("broken.xlsx", b"PK\x03\x04garbage", "is not really a .xlsx file"),
        ("empty.pdf", b"", "The submitted file is empty."),
    ],
)
def test_wrong_types_are_refused_and_nothing_is_stored(client_for, draft, account_manager, name, content, message):
    response = upload(client_for(account_manager), draft, name, content)
    assert "The file was not attached" in response.text
    assert message in response.text
    assert not PlanAttachment.objects.exists()


def test_oversized_files_are_refused(client_for, draft, account_manager, settings):
    settings.KAM_ATTACHMENT_MAX_BYTES = 1024
    response = upload(client_for(account_manager), draft, "big.pdf", PDF + b"0" * 2000)
    assert "attachments may be at most 1.0\xa0KB" in response.text
    assert not PlanAttachment.objects.exists()


def test_attachments_are_served_only_to_users_who_see_the_account(client_for, draft, account_manager, other_account_manager, executive, client):
    upload(client_for(account_manager), draft, "plan.pdf", PDF)
    attachment = PlanAttachment.objects.get()
    url = reverse("planning:attachment-download", args=[draft.pk, attachment.pk])
    response = client_for(executive).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    client.logout()
    assert client_for(other_account_manager).get(url).status_code == 404


def test_anonymous_cannot_download(client, draft, account_manager):
    client.force_login(account_manager)
    upload(client, draft, "plan.pdf", PDF)
    client.logout()
    attachment = PlanAttachment.objects.get()
    response = client.get(reverse("planning:attachment-download", args=[draft.pk, attachment.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_executive_cannot_attach_or_remove(client_for, draft, account_manager, executive):
    upload(client_for(account_manager), draft, "plan.pdf", PDF)
    attachment = PlanAttachment.objects.get()
    client = client_for(executive)
    assert client.post(reverse("planning:attachment-upload", args=[draft.pk]), {}).status_code == 403
    assert client.post(reverse("planning:attachment-delete", args=[draft.pk, attachment.pk])).status_code == 403
    assert PlanAttachment.objects.count() == 1


def test_removing_an_attachment_deletes_the_file(client_for, draft, account_manager, django_capture_on_commit_callbacks):
    client = client_for(account_manager)
    upload(client, draft, "plan.pdf", PDF)
    attachment = PlanAttachment.objects.get()
    stored = attachment.file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("planning:attachment-delete", args=[draft.pk, attachment.pk]), follow=True)
    assert "was removed" in response.text
    assert not PlanAttachment.objects.exists() and not default_storage.exists(stored)


def test_attachments_cannot_change_on_a_submitted_plan(client_for, submitted, account_manager):
    plan, _version = submitted
    response = upload(client_for(account_manager), plan, "late.pdf", PDF)
    assert "cannot be changed while the plan is “Submitted”" in response.text
    assert not PlanAttachment.objects.exists()
