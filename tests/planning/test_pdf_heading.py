"""The PDF and the printable pages name the version as the web does ("Revision N · submission M") and say
where it stands (draft, submitted, approved, changes requested, rejected), in English and Korean."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from planning import exports, pdfs, services
from planning.models import Decision, PlanPdf

pytestmark = pytest.mark.django_db


def header_and_cover(html: str) -> tuple[str, str]:
    """The page header's text (CSS @top-right) and the cover's version and status."""
    top = re.search(r'@top-right \{ content: "([^"]*)"', html).group(1)
    label = re.search(r'data-pdf="version">([^<]*)<', html).group(1)
    status = re.search(r'data-pdf="status">([^<]*)<', html)
    return top, f"{label} | {status.group(1) if status else ''}"


@pytest.fixture
def rendered(monkeypatch):
    """The HTML of every PDF the worker renders, in order (the PDF itself is made too)."""
    pages = []
    real = exports.plan_pdf

    def spy(snap, **kwargs):
        pages.append(exports.plan_pdf_html(snap, heading=kwargs.get("heading")))
        return real(snap, **kwargs)

    monkeypatch.setattr(exports, "plan_pdf", spy)
    return pages


@pytest.mark.parametrize("language, top, cover", [
    ("en", "FY {year} · Revision 1 · submission 1 · Submitted", "Revision 1 · submission 1 | Submitted"),
    ("ko", "FY {year} · 개정 1 · 1차 제출 · 제출됨", "개정 1 · 1차 제출 | 제출됨"),
])
def test_a_submitted_versions_pdf_names_the_version_and_its_status(submitted, language, top, cover):
    plan, version = submitted
    with translation.override(language):
        heading = exports.pdf_heading(revision=version.revision, submission=version.submission, status="submitted")
        html = exports.plan_pdf_html(version.snapshot, heading=heading)
    assert header_and_cover(html) == (top.format(year=plan.fiscal_year), cover)


@pytest.mark.parametrize("outcome, en, ko", [
    (Decision.Outcome.APPROVED, "Approved", "승인됨"),
    (Decision.Outcome.CHANGES_REQUESTED, "Changes requested", "보완 요청됨"),
    (Decision.Outcome.REJECTED, "Rejected", "반려됨"),
])
def test_the_versions_pdf_asked_for_after_the_decision_is_made_again_with_it(
    plan, account_manager, executive, django_capture_on_commit_callbacks, rendered, outcome, en, ko
):
    with django_capture_on_commit_callbacks(execute=True):
        version = services.plan_submit(plan=plan, acting_user=account_manager)
    assert [header_and_cover(page)[1] for page in rendered] == ["Revision 1 · submission 1 | Submitted",
                                                                 "개정 1 · 1차 제출 | 제출됨"]
    services.plan_decide(version=version, outcome=outcome, acting_user=executive, comment="Reason")
    version.refresh_from_db()
    old_file = PlanPdf.objects.get(version=version, language="ko").file.name
    with django_capture_on_commit_callbacks(execute=True):
        for language in ("en", "ko"):
            pdf = pdfs.plan_pdf_request(plan=plan, version=version, language=language, acting_user=account_manager)
            assert pdf.status == PlanPdf.Status.PENDING
    assert [header_and_cover(page)[1] for page in rendered[2:]] == [
        f"Revision 1 · submission 1 | {en}", f"개정 1 · 1차 제출 | {ko}"]
    rows = PlanPdf.objects.filter(version=version)
    assert set(rows.values_list("status", "snapshot_digest")) == {("ready", outcome)}
    assert not PlanPdf.file.field.storage.exists(old_file)  # the outdated file is gone
    # Asked again, the PDF is served as it is.
    pdfs.plan_pdf_request(plan=plan, version=version, language="en", acting_user=account_manager)
    assert len(rendered) == 4


def test_a_drafts_pdf_names_the_revision_and_the_plans_status(plan, account_manager, django_capture_on_commit_callbacks,
                                                              rendered):
    with django_capture_on_commit_callbacks(execute=True):
        pdfs.plan_pdf_request(plan=plan, version=None, language="en", acting_user=account_manager)
        pdfs.plan_pdf_request(plan=plan, version=None, language="ko", acting_user=account_manager)
    assert [header_and_cover(page)[1] for page in rendered] == ["Revision 1 | Draft", "1차 개정 | 초안"]
    assert header_and_cover(rendered[0])[0] == f"FY {plan.fiscal_year} · Revision 1 · Draft"


def test_the_printable_meeting_view_and_the_version_page_show_the_version_and_its_status(
    submitted, executive, account_manager, client_for
):
    plan, version = submitted
    meeting = services.meeting_create(title="Print", scheduled_for=version.submitted_at, acting_user=executive)
    item = services.agenda_item_add(meeting=meeting, version=version, acting_user=executive)
    html = client_for(executive).get(reverse("planning:meeting-item", args=[meeting.pk, item.pk])).text
    assert '<span data-testid="version-label">Revision 1 · submission 1</span>' in html
    assert re.search(r'data-testid="version-status">Submitted<', html)
    services.plan_decide(version=version, outcome="changes_requested", comment="Step 4", acting_user=executive)
    client = client_for(account_manager)
    client.post(reverse("set_language"), {"language": "ko"})
    page = client.get(reverse("planning:version-detail", args=[plan.pk, version.number])).text
    assert re.search(r'data-testid="version-status">보완 요청됨<', page) and "개정 1 · 1차 제출" in page
