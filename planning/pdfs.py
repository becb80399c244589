"""The plan's PDF, made by a Celery worker and stored, so no web request waits on WeasyPrint.

A frozen version's PDF is asked for at submission (one per language) and never changes. A
draft's PDF is asked for when someone opens it and is keyed by a digest of the snapshot it
shows: a draft edited (or whose account data changed) after its PDF was made gets a fresh one.
Pages show a PlanPdf's status and offer its file once it is ready; a failure is kept on the row
with its reason, so the page can say so and offer to try again. The PDF carries the plan's "Now"
panel (`planning.live`) as of the moment the worker renders it, marked with that time.
"""

import datetime
import hashlib
import json
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from accounts.models import User
from planning.live import plan_now
from planning.models import AccountPlan, PlanPdf, PlanVersion, plan_pdf_path
from planning.snapshot import plan_snapshot

logger = logging.getLogger(__name__)

# A PDF still "being prepared" after this long may be asked for again (a lost message, a stopped worker).
STUCK_AFTER = datetime.timedelta(minutes=3)


def snapshot_digest(snap: dict) -> str:
    """What a draft's PDF shows, as a key: equal snapshots on the same day give equal digests.

    The moment the snapshot was taken is left out (the PDF does not show it); today is in, as the
    PDF's timeline marks it.
    """
    shown = {key: value for key, value in snap.items() if key != "taken_at"}
    text = json.dumps([shown, timezone.localdate()], cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def plan_pdf_request(
    *, plan: AccountPlan, version: PlanVersion | None, language: str, acting_user: User | None
) -> PlanPdf:
    """The PDF of `version` (or of the draft as it stands now) in `language`; asked of the worker if there is none.

    Never renders: the row comes back ready (its file stored) or being prepared. Asking again
    for the same version, or for an unchanged draft, returns the same row.
    """
    now = timezone.now()
    if version is not None:
        lookup = {"version": version, "language": language}
        defaults = {"plan_id": version.plan_id, "requested_by": acting_user, "requested_at": now}
    else:
        snap = plan_snapshot(plan)
        lookup = {"plan": plan, "version": None, "snapshot_digest": snapshot_digest(snap), "language": language}
        defaults = {"snapshot": snap, "lock_version": plan.lock_version, "requested_by": acting_user, "requested_at": now}
    try:
        with transaction.atomic():
            pdf, created = PlanPdf.objects.get_or_create(**lookup, defaults=defaults)
    except IntegrityError:  # asked for twice at once: the other request's row
        pdf, created = PlanPdf.objects.get(**lookup), False
    if created:
        _send(pdf)
    return pdf


def version_pdfs_request(*, version: PlanVersion, acting_user: User | None) -> list[PlanPdf]:
    """At submission: the frozen version's PDF in every language of the site, made once by the worker."""
    return [
        plan_pdf_request(plan=version.plan, version=version, language=code, acting_user=acting_user)
        for code, _name in settings.LANGUAGES
    ]


def plan_pdf_retry(*, pdf: PlanPdf, acting_user: User | None) -> PlanPdf:
    """Ask the worker again for a PDF that failed, or that has been "being prepared" for too long."""
    if not may_retry(pdf):
        return pdf
    PlanPdf.objects.filter(pk=pdf.pk).exclude(status=PlanPdf.Status.READY).update(
        status=PlanPdf.Status.PENDING, error="", requested_by=acting_user, requested_at=timezone.now()
    )
    pdf.refresh_from_db()
    if pdf.status == PlanPdf.Status.PENDING:
        _send(pdf)
    return pdf


def may_retry(pdf: PlanPdf) -> bool:
    if pdf.status == PlanPdf.Status.FAILED:
        return True
    return pdf.status == PlanPdf.Status.PENDING and timezone.now() - pdf.requested_at > STUCK_AFTER


def _send(pdf: PlanPdf) -> None:
    """Hand the PDF to the worker once the row is committed; a broker that does not answer fails the row."""
    pdf_id = pdf.pk

    def send() -> None:
        from core.queue import enqueue
        from planning.tasks import render_plan_pdf

        if not enqueue(render_plan_pdf, pdf_id):
            PlanPdf.objects.filter(pk=pdf_id, status=PlanPdf.Status.PENDING).update(
                status=PlanPdf.Status.FAILED, error="The task queue did not answer."
            )

    transaction.on_commit(send)


def plan_pdf_render(*, pdf_id: int) -> PlanPdf | None:
    """The worker's part: render the PDF, store the file and mark it ready; safe to run twice.

    A rendering error is kept on the row (status failed) for the page to show, not raised:
    trying the same snapshot again would fail the same way until someone asks again.
    """
    from planning import exports

    pdf = PlanPdf.objects.select_related("version").filter(pk=pdf_id).first()
    if pdf is None or pdf.status == PlanPdf.Status.READY:
        return pdf
    snap = pdf.version.snapshot if pdf.version_id else pdf.snapshot
    try:
        if snap is None:
            raise ValueError("the draft's snapshot is missing")
        with translation.override(pdf.language):
            content = exports.plan_pdf(snap, now=_now_panel(pdf))
    except Exception as error:  # noqa: BLE001 - WeasyPrint may fail on anything; the user is told and may retry
        logger.exception("Plan PDF %s could not be rendered", pdf_id)
        PlanPdf.objects.filter(pk=pdf_id).exclude(status=PlanPdf.Status.READY).update(
            status=PlanPdf.Status.FAILED, error=f"{type(error).__name__}: {error}"[:300]
        )
        pdf.refresh_from_db()
        return pdf
    name = default_storage.save(plan_pdf_path(pdf, "plan.pdf"), ContentFile(content))
    done = PlanPdf.objects.filter(pk=pdf_id).exclude(status=PlanPdf.Status.READY).update(
        status=PlanPdf.Status.READY, file=name, error="", snapshot=None, rendered_at=timezone.now()
    )
    if not done:  # another worker stored it first
        default_storage.delete(name)
    elif pdf.version_id is None:
        _forget_older_drafts(pdf)
    pdf.refresh_from_db()
    return pdf


def _now_panel(pdf: PlanPdf):
    """The plan's "Now" panel as of this moment, compared with the PDF's version (a draft's: the latest one)."""
    version = pdf.version
    if version is None:
        version = PlanVersion.objects.filter(plan_id=pdf.plan_id).select_related("decision").order_by("-number").first()
    plan = AccountPlan.objects.select_related("account").get(pk=pdf.plan_id)
    return plan_now(plan=plan, version=version)


def _forget_older_drafts(pdf: PlanPdf) -> None:
    """A draft keeps only its newest PDF per language: older ones show a plan that no longer exists."""
    older = PlanPdf.objects.filter(
        plan_id=pdf.plan_id, version=None, language=pdf.language, status=PlanPdf.Status.READY,
        rendered_at__lt=timezone.now() - STUCK_AFTER,
    ).exclude(pk=pdf.pk)
    for stale in older:
        stale.file.delete(save=False)
        stale.delete()
