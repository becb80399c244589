"""The plan's PDF in Chromium: the page says it is being prepared, then offers the file the worker made."""

import pytest
from playwright.sync_api import expect

from planning.models import PlanPdf
from planning.pdfs import plan_pdf_render
from tests.e2e.conftest import login
from tests.factories import AccountFactory, TeamMemberFactory, ensure_kpi_catalogue, make_account_manager, make_complete_plan
from tests.pdf import pdf_title

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_pdf_is_prepared_in_the_background_and_then_offered(page, monkeypatch, tmp_path):
    ensure_kpi_catalogue()  # earlier browser tests flush the database, and the catalogue with it
    am = make_account_manager(username="am")
    account = AccountFactory(name="한빛전자", english_name="Hanbit Electronics", is_key_account=True)
    TeamMemberFactory(account=account, user=am)
    plan = make_complete_plan(account=account, user=am)
    sent = []
    # The worker is not running yet: the message waits (the test plays the worker below).
    monkeypatch.setattr("core.queue.enqueue", lambda task, *args, **kwargs: sent.append(args) or True)

    login(page, "am")
    page.goto(f"/plans/{plan.pk}/")
    page.get_by_test_id("pdf-link").click()
    status = page.get_by_test_id("pdf-status")
    expect(status).to_have_attribute("data-status", "pending")
    expect(status).to_contain_text("The PDF is being prepared")
    assert page.get_by_test_id("pdf-file-link").count() == 0
    assert len(sent) == 1

    plan_pdf_render(pdf_id=sent[0][0])  # the worker
    assert PlanPdf.objects.get().status == "ready"
    link = page.get_by_test_id("pdf-file-link")
    expect(link).to_be_visible(timeout=10_000)  # the page polls every 2 s
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    path = tmp_path / "plan.pdf"
    download.save_as(path)
    content = path.read_bytes()
    assert content.startswith(b"%PDF") and "한빛전자" in pdf_title(content)
    assert "한빛전자" in download.suggested_filename
