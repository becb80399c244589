"""The plan's PDF is made by the worker and stored: pages say it is being prepared, then offer the file."""

import pytest
from django.urls import reverse

from planning import exports, services
from planning.models import PlanPdf
from tests.pdf import pdf_chunks, pdf_title
from tests.planning.conftest import grow

pytestmark = pytest.mark.django_db


def pdf_url(plan, **params):
    url = reverse("planning:plan-pdf", args=[plan.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def test_a_draft_pdf_is_prepared_by_the_worker_then_offered(
    client_for, plan, account_manager, django_capture_on_commit_callbacks, monkeypatch
):
    client = client_for(account_manager)
    rendered = []
    real = exports.plan_pdf
    monkeypatch.setattr(exports, "plan_pdf", lambda snap, **kw: rendered.append(1) or real(snap, **kw))
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.get(pdf_url(plan))
    # The request renders nothing: it says the PDF is being prepared and polls a small fragment.
    assert response.status_code == 200 and rendered == []
    pdf = PlanPdf.objects.get(plan=plan)
    status_url = reverse("planning:plan-pdf-status", args=[plan.pk, pdf.pk])
    assert "The PDF is being prepared" in response.text and f'hx-get="{status_url}"' in response.text
    assert 'hx-trigger="every 2s"' in response.text
    assert client.get(status_url).context["pdf"].status == "pending"

    for callback in callbacks:  # the worker (eager Celery in tests) runs once the row is committed
        callback()
    assert rendered == [1]
    fragment = client.get(status_url)
    file_url = reverse("planning:plan-pdf-file", args=[plan.pk, pdf.pk])
    assert "The PDF is ready." in fragment.text and f'href="{file_url}"' in fragment.text
    assert "hx-trigger" not in fragment.text  # polling stops

    response = client.get(file_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"] and "%ED%95%9C%EB%B9%9B" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF") and "한빛전자" in pdf_title(content)
    assert any(b"NanumGothic" in chunk for chunk in pdf_chunks(content))
    assert PlanPdf.objects.get(pk=pdf.pk).file.name.startswith(f"plan-pdfs/{plan.pk}/")

    # Unchanged, the draft's PDF is served from storage at once, without another rendering.
    again = client.get(pdf_url(plan))
    assert again["Content-Type"] == "application/pdf" and rendered == [1]
    assert PlanPdf.objects.count() == 1


def test_a_draft_edited_after_its_pdf_was_made_gets_a_fresh_one(
    client_for, plan, account_manager, django_capture_on_commit_callbacks
):
    client = client_for(account_manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(pdf_url(plan))
    assert client.get(pdf_url(plan))["Content-Type"] == "application/pdf"
    plan.refresh_from_db()
    services.plan_step_save(plan=plan, step=3, acting_user=account_manager, expected_lock_version=plan.lock_version,
                            fields={"cbp_summary": "Capex moves to 2027"})
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.get(pdf_url(plan))
    assert "The PDF is being prepared" in response.text
    fresh = PlanPdf.objects.latest("pk")
    plan.refresh_from_db()
    assert PlanPdf.objects.filter(plan=plan).count() == 2 and fresh.lock_version == plan.lock_version
    assert len(callbacks) == 1


def test_submission_renders_the_frozen_versions_pdf_once_per_language(
    client_for, plan, account_manager, django_capture_on_commit_callbacks, monkeypatch
):
    rendered = []
    real = exports.plan_pdf
    monkeypatch.setattr(exports, "plan_pdf", lambda snap, **kw: rendered.append(1) or real(snap, **kw))
    with django_capture_on_commit_callbacks(execute=True):
        version = services.plan_submit(plan=plan, acting_user=account_manager)
    pdfs = PlanPdf.objects.filter(version=version)
    assert sorted(pdfs.values_list("language", "status")) == [("en", "ready"), ("ko", "ready")]
    assert len(rendered) == 2
    client = client_for(account_manager)
    response = client.get(pdf_url(plan, version=version.number))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "-v1.pdf" in response["Content-Disposition"]
    client.post(reverse("set_language"), {"language": "ko"})
    assert client.get(pdf_url(plan, version=version.number))["Content-Type"] == "application/pdf"
    assert len(rendered) == 2 and PlanPdf.objects.count() == 2  # never rendered again


def test_a_pdf_that_could_not_be_prepared_says_so_and_can_be_tried_again(
    client_for, plan, account_manager, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(snap, **kwargs):
        raise RuntimeError("WeasyPrint ran out of memory")

    monkeypatch.setattr(exports, "plan_pdf", broken)
    client = client_for(account_manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(pdf_url(plan))
    pdf = PlanPdf.objects.get()
    assert pdf.status == "failed" and "out of memory" in pdf.error
    response = client.get(pdf_url(plan))
    assert "The PDF could not be prepared. Please try again" in response.text and 'data-testid="pdf-retry"' in response.text
    assert client.get(reverse("planning:plan-pdf-file", args=[plan.pk, pdf.pk])).status_code == 404

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("planning:plan-pdf-retry", args=[plan.pk, pdf.pk]))
    assert response.status_code == 302 and response["Location"] == pdf_url(plan)
    pdf.refresh_from_db()
    assert pdf.status == "ready" and pdf.error == ""


def test_a_broker_that_does_not_answer_fails_the_pdf_visibly(
    client_for, plan, account_manager, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr("core.queue.enqueue", lambda task, *args, **kwargs: False)
    client = client_for(account_manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(pdf_url(plan))
    assert PlanPdf.objects.get().status == "failed"
    assert "could not be prepared" in client.get(pdf_url(plan)).text


def test_rendering_twice_stores_one_file(plan, account_manager, django_capture_on_commit_callbacks):
    from planning.pdfs import plan_pdf_render, plan_pdf_request

    with django_capture_on_commit_callbacks(execute=False):
        pdf = plan_pdf_request(plan=plan, version=None, language="en", acting_user=account_manager)
    first = plan_pdf_render(pdf_id=pdf.pk)
    second = plan_pdf_render(pdf_id=pdf.pk)
    assert first.status == second.status == "ready" and first.file.name == second.file.name


@pytest.mark.parametrize("version", ["²", "abc", "99999999999999999999", "7"])
def test_an_odd_or_unknown_version_is_404(client_for, plan, account_manager, version):
    assert client_for(account_manager).get(pdf_url(plan, version=version)).status_code == 404
    assert not PlanPdf.objects.exists()


def test_a_pdf_of_another_plan_is_404(client_for, plan, account_manager, other_account_manager, account):
    from tests.factories import AccountPlanFactory

    other = AccountPlanFactory(account=account, fiscal_year=plan.fiscal_year + 1)
    client = client_for(account_manager)
    client.get(pdf_url(plan))
    pdf = PlanPdf.objects.get()
    assert client.get(reverse("planning:plan-pdf-status", args=[other.pk, pdf.pk])).status_code == 404
    assert client_for(other_account_manager).get(reverse("planning:plan-pdf-status", args=[plan.pk, pdf.pk])).status_code == 404
    assert client.post(reverse("planning:plan-pdf-retry", args=[other.pk, pdf.pk])).status_code == 404


@pytest.mark.parametrize("size", [3, 60])
def test_pdf_pages_query_count_is_fixed(client_for, plan, account_manager, django_assert_max_num_queries, size):
    grow(plan, size)
    client = client_for(account_manager)
    with django_assert_max_num_queries(40):
        assert client.get(pdf_url(plan)).status_code == 200
    pdf = PlanPdf.objects.get()
    with django_assert_max_num_queries(8):
        assert client.get(reverse("planning:plan-pdf-status", args=[plan.pk, pdf.pk])).status_code == 200
