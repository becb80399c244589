"""Step 3's documents: adding and removing a plan's attachments."""


from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import (
    user_can_edit_account,
)
from planning import attachments as attachment_checks
from planning.models import (
    AccountPlan,
    PlanAttachment,
)

from .workflow import step_is_editable


def attachment_add(*, plan: AccountPlan, upload, description: str = "", acting_user: User) -> PlanAttachment:
    """Store a PDF or Office document for step 3 after checking its size and its real type."""
    if not user_can_edit_account(user=acting_user, account=plan.account):
        raise PermissionDenied(_("Only the account's team writes its plan."))
    if not step_is_editable(plan=plan, step=3):
        raise ValidationError(_("Attachments cannot be changed while the plan is “%(status)s”.") % {
            "status": plan.get_status_display()})
    kind, content_type = attachment_checks.check_upload(upload)
    attachment = PlanAttachment(
        plan=plan, original_name=attachment_checks.clean_name(upload.name), kind=kind, content_type=content_type,
        size=upload.size, description=description, uploaded_by=acting_user,
    )
    attachment.file.save(upload.name, upload, save=False)
    attachment._history_user = acting_user
    try:
        with transaction.atomic():
            attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


def attachment_delete(*, attachment: PlanAttachment, acting_user: User) -> None:
    plan = attachment.plan
    if not user_can_edit_account(user=acting_user, account=plan.account):
        raise PermissionDenied(_("Only the account's team writes its plan."))
    if not step_is_editable(plan=plan, step=3):
        raise ValidationError(_("Attachments cannot be changed while the plan is “%(status)s”.") % {
            "status": plan.get_status_display()})
    stored = attachment.file.name
    attachment._history_user = acting_user
    with transaction.atomic():
        attachment.delete()
        transaction.on_commit(lambda: attachment.file.storage.delete(stored))
