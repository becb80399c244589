"""The interaction log: who may record an interaction, the writes, and the last contact read from the log.

A relationship's last contact is the latest interaction (up to today) that both of its people
attended; a contact's is the latest interaction they attended with any of our people. Both are
read from the log every time, so there is no date to keep by hand.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DateField, Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account, Contact, CustomerActivity, Interaction, Relationship, User
from core.bulk import Outcome, RowErrors

# A support incident is not a contact with the customer; every other customer activity is one.
ACTIVITY_KINDS = {
    CustomerActivity.Kind.WORKSHOP: Interaction.Kind.WORKSHOP,
    CustomerActivity.Kind.SEMINAR: Interaction.Kind.SEMINAR,
    CustomerActivity.Kind.TRAINING: Interaction.Kind.TRAINING,
    CustomerActivity.Kind.PILOT: Interaction.Kind.PILOT,
    CustomerActivity.Kind.CONFERENCE: Interaction.Kind.CONFERENCE,
}


# --- Last contact, read from the log --------------------------------------------------------------


def _latest(interactions: QuerySet) -> Subquery:
    return Subquery(interactions.order_by("-occurred_on").values("occurred_on")[:1], output_field=DateField())


def relationship_last_contact(today: datetime.date) -> Subquery:
    """For a Relationship queryset: the date of the latest interaction up to `today` both people attended."""
    # Driven by the contact's attendances (a few per contact) and checked against ours by the
    # (interaction, user) index: one of our people attends thousands of interactions, so a join
    # that starts from theirs reads them all.
    ours = Interaction.our_attendees.through.objects.filter(interaction_id=OuterRef("pk"), user_id=OuterRef(OuterRef("user_id")))
    return _latest(Interaction.objects.filter(Exists(ours), their_attendees=OuterRef("contact_id"), occurred_on__lte=today))


def contact_last_contact(today: datetime.date) -> Subquery:
    """For a Contact queryset: the date of the latest interaction up to `today` the contact attended."""
    return _latest(Interaction.objects.filter(their_attendees=OuterRef("pk"), occurred_on__lte=today))


def relationships_with_last_contact(queryset: QuerySet[Relationship], *, today: datetime.date | None = None):
    """The relationships annotated `last_contact_on` (None when the two never met in the log)."""
    return queryset.annotate(last_contact_on=relationship_last_contact(today or timezone.localdate()))


# --- Writes ---------------------------------------------------------------------------------------


def _check(
    *,
    interaction: Interaction,
    our_attendees: Sequence[User] | None,
    their_attendees: Sequence[Contact] | None,
    today: datetime.date,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if interaction.occurred_on is not None and interaction.occurred_on > today:
        errors["occurred_on"] = _("An interaction is logged once it happened: the date cannot be in the future.")
    if their_attendees is not None:
        if not their_attendees:
            errors["their_attendees"] = _("Who did we meet? Choose at least one of their people.")
        elif any(contact.account_id != interaction.account_id for contact in their_attendees):
            errors["their_attendees"] = _("Their attendees must be contacts of this account.")
    if our_attendees is not None:
        if not our_attendees:
            errors["our_attendees"] = _("Who of ours took part? Choose at least one.")
        elif any(not user.is_active for user in our_attendees):
            errors["our_attendees"] = _("Choose our attendees from our active people.")
    return errors


def interaction_save(
    *,
    interaction: Interaction,
    acting_user: User | None,
    our_attendees: Sequence[User] | None = None,
    their_attendees: Sequence[Contact] | None = None,
) -> Interaction:
    """Record or correct an interaction with its attendees on both sides (None leaves a side unchanged).

    Their attendees are contacts of the interaction's account and ours are active users, at least one
    each; the date is not in the future. The caller has checked `user_can_record_interaction`.
    """
    errors = _check(
        interaction=interaction, our_attendees=our_attendees, their_attendees=their_attendees, today=timezone.localdate()
    )
    if interaction.pk is None and (our_attendees is None or their_attendees is None):
        errors.setdefault("their_attendees", _("Who did we meet? Choose at least one of their people."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if interaction.pk is None:
            interaction.recorded_by = acting_user
        interaction.full_clean(exclude=["recorded_by", "activity"])
        interaction.save()
        if our_attendees is not None:
            interaction.our_attendees.set(our_attendees)
        if their_attendees is not None:
            interaction.their_attendees.set(their_attendees)
    return interaction


def interaction_delete(*, interaction: Interaction, acting_user: User | None) -> None:
    """Remove an interaction from the log; one an activity records goes with the activity, not alone."""
    if interaction.activity_id is not None:
        raise ValidationError(_("This interaction is recorded by a customer activity: change or remove the activity."))
    interaction.delete()


def interaction_sync_from_activity(
    *, activity: CustomerActivity, contacts: Sequence[Contact] | None = None, our_people: Sequence[User] | None = None
) -> Interaction | None:
    """Keep the interaction a customer activity records in step with it (a support incident records none).

    Called by `customer_activity_save` inside its transaction, after the participants are set (those it
    was given are passed on; the others are read).
    """
    kind = ACTIVITY_KINDS.get(activity.kind)
    existing = Interaction.objects.filter(activity=activity).first()
    if kind is None:
        if existing is not None:
            existing.delete()
        return None
    interaction = existing or Interaction(account_id=activity.account_id, activity=activity, recorded_by=activity.recorded_by)
    interaction.kind = kind
    interaction.occurred_on = activity.starts_on
    interaction.note = activity.title
    interaction.save()
    interaction.our_attendees.set(activity.our_people.all() if our_people is None else our_people)
    interaction.their_attendees.set(activity.contacts.all() if contacts is None else contacts)
    return interaction


@dataclass
class InteractionRow:
    """One interaction of a bulk import, keyed by (account, reference)."""

    account: Account
    reference: str
    kind: str
    occurred_on: datetime.date
    our_attendees: list[User] = field(default_factory=list)
    their_attendees: list[Contact] = field(default_factory=list)
    note: str = ""
    next_step: str = ""


SCALARS = ("kind", "occurred_on", "note", "next_step")


def interactions_upsert(*, rows: Sequence[InteractionRow], acting_user: User | None) -> list[tuple[Interaction, Outcome]]:
    """Create or update interactions by (account, reference), all or nothing: a bad row writes none
    (`RowErrors`, by the rows' positions).

    Returns each row's interaction with its outcome, in the rows' order; sending the same batch twice
    changes nothing. The caller has checked the accounts may be written by `acting_user` and that each
    key comes once.
    """
    today = timezone.localdate()
    errors: dict[int, ValidationError] = {}
    for index, row in enumerate(rows):
        draft = Interaction(account=row.account, kind=row.kind, occurred_on=row.occurred_on)
        row_errors = _check(interaction=draft, our_attendees=row.our_attendees, their_attendees=row.their_attendees, today=today)
        if row_errors:
            errors[index] = ValidationError(row_errors)
    if errors:
        raise RowErrors(errors)
    outcomes: list[tuple[Interaction, Outcome]] = []
    with transaction.atomic():
        stored = {
            (interaction.account_id, interaction.reference): interaction
            for interaction in Interaction.objects.select_for_update()
            .filter(account_id__in={row.account.pk for row in rows}, reference__in={row.reference for row in rows})
            .prefetch_related("our_attendees", "their_attendees")
        }
        for row in rows:
            interaction = stored.get((row.account.pk, row.reference))
            ours, theirs = {user.pk for user in row.our_attendees}, {contact.pk for contact in row.their_attendees}
            if interaction is None:
                interaction = Interaction(account=row.account, reference=row.reference, recorded_by=acting_user)
                outcome = Outcome.CREATED
            elif (
                any(getattr(interaction, name) != getattr(row, name) for name in SCALARS)
                or {user.pk for user in interaction.our_attendees.all()} != ours
                or {contact.pk for contact in interaction.their_attendees.all()} != theirs
            ):
                outcome = Outcome.UPDATED
            else:
                outcomes.append((interaction, Outcome.UNCHANGED))
                continue
            for name in SCALARS:
                setattr(interaction, name, getattr(row, name))
            interaction.save()
            interaction.our_attendees.set(row.our_attendees)
            interaction.their_attendees.set(row.their_attendees)
            outcomes.append((interaction, outcome))
    return outcomes
