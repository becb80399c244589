"""The organisation's mapping as HR systems export it: one row per person (and per account team they
are on), read from CSV or Excel, checked row by row, and written all-or-nothing through the
organisation's services (so every change is in the history). The same rows come out of the export
and go in through the API's bulk upsert.

Columns: username, first_name, last_name, email, role, unit, unit_kind, level, account,
account_vertical_unit, team_role. `username` is required except on a row that only maps an account
to its vertical unit; an empty cell leaves the value as it is.
"""

import csv
import io
from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from accounts import services_org
from accounts.models import Account, AccountTeamMember, BusinessUnit, Level, User
from accounts.permissions import user_changes_organisation
from accounts.roles import Role

COLUMNS = (
    "username", "first_name", "last_name", "email", "role", "unit", "unit_kind", "level",
    "account", "account_vertical_unit", "team_role",
)
MAX_ROWS = 5000
MAX_BYTES = 1_000_000


@dataclass
class MappingPlan:
    """What an import would do, or why it cannot: row errors (line, message) and counts by change."""

    rows: list[dict]
    errors: list[tuple[int, str]] = field(default_factory=list)
    new_people: set[str] = field(default_factory=set)
    new_units: set[str] = field(default_factory=set)
    team_changes: int = 0
    account_moves: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def read_rows(*, content: bytes, filename: str) -> list[dict]:
    """The rows of a CSV (UTF-8, with or without BOM; comma or semicolon) or .xlsx file, keyed by
    lower-cased header; raises ValidationError for a file that cannot be read."""
    if len(content) > MAX_BYTES:
        raise ValidationError(_("The file is larger than 1 MB: split it."))
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
            table = [["" if cell is None else str(cell).strip() for cell in row] for row in sheet.iter_rows(values_only=True)]
        except Exception as error:  # openpyxl raises many kinds for a broken file
            raise ValidationError(_("This is not a readable Excel file.")) from error
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValidationError(_("Save the CSV file as UTF-8.")) from error
        dialect = csv.excel
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            pass
        table = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), dialect)]
    table = [row for row in table if any(row)]
    if not table:
        raise ValidationError(_("The file is empty."))
    header = [name.strip().lower() for name in table[0]]
    if "username" not in header:
        raise ValidationError(_("The first row must name the columns, with at least “username”."))
    if len(table) - 1 > MAX_ROWS:
        raise ValidationError(_("At most %(max)s rows at a time.") % {"max": MAX_ROWS})
    return [{name: (row[i] if i < len(row) else "") for i, name in enumerate(header) if name in COLUMNS} for row in table[1:]]


def _choice(value: str, choices) -> str | None:
    """A choice by value or by label (any language the label was exported in is not guessed)."""
    value = value.strip()
    for code, label in choices:
        if value.lower() in (str(code).lower(), str(label).lower()):
            return code
    return None


def plan_import(rows: list[dict]) -> MappingPlan:
    """Check every row against the database without writing: a fixed number of queries."""
    plan = MappingPlan(rows=rows)
    usernames = {row.get("username", "").strip().lower() for row in rows}
    existing_users = {u.username.lower(): u for u in User.objects.annotate(key=Lower("username")).filter(key__in=usernames)}
    units = {unit.name.lower(): unit for unit in BusinessUnit.objects.all()}
    account_names = {row.get("account", "").strip() for row in rows} - {""}
    accounts: dict[str, list[Account]] = {}
    for account in Account.objects.filter(name__in=account_names):
        accounts.setdefault(account.name, []).append(account)
    emails = {u.email.lower(): u.username.lower() for u in User.objects.exclude(email="").only("email", "username")}
    kam_rows: dict[str, int] = {}
    for line, row in enumerate(rows, start=2):
        def error(message: str) -> None:
            plan.errors.append((line, message))

        username = row.get("username", "").strip()
        account_only = not username and row.get("account", "").strip() and not row.get("team_role", "").strip()
        if not username and not account_only:
            error(_("The user name is empty."))
            continue
        user = existing_users.get(username.lower()) if username else None
        if account_only:
            pass
        elif user is None:
            plan.new_people.add(username)
            if not row.get("first_name", "").strip() and not row.get("last_name", "").strip():
                error(_("A new person needs a first or last name."))
        email = row.get("email", "").strip()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                error(_("“%(value)s” is not an e-mail address.") % {"value": email})
            owner = emails.get(email.lower())
            if owner and owner != username.lower():
                error(_("The e-mail %(email)s belongs to someone else.") % {"email": email})
        if row.get("role", "").strip() and _choice(row["role"], Role.choices) is None:
            error(_("Unknown role “%(value)s”: Admin, Executive or Account manager.") % {"value": row["role"]})
        if row.get("level", "").strip() and _choice(row["level"], Level.choices) is None:
            error(_("Unknown level “%(value)s”: executive, manager or staff.") % {"value": row["level"]})
        for column, default_kind in (("unit", row.get("unit_kind", "")), ("account_vertical_unit", BusinessUnit.Kind.VERTICAL)):
            name = row.get(column, "").strip()
            if not name:
                continue
            unit = units.get(name.lower())
            if unit is None:
                kind = _choice(default_kind, BusinessUnit.Kind.choices) if default_kind else None
                if kind is None:
                    error(_("Unit “%(name)s” is new: give its kind (vertical or horizontal) in unit_kind.") % {"name": name})
                else:
                    plan.new_units.add(name)
            elif not unit.is_active:
                error(_("Unit “%(name)s” is closed.") % {"name": name})
            elif column == "account_vertical_unit" and unit.kind != BusinessUnit.Kind.VERTICAL:
                error(_("Unit “%(name)s” is not a vertical unit.") % {"name": name})
        account_name = row.get("account", "").strip()
        team_role = row.get("team_role", "").strip()
        if account_name:
            found = accounts.get(account_name, [])
            if len(found) != 1:
                message = _("No account is named “%(name)s”.") if not found else _("Several accounts are named “%(name)s”.")
                error(message % {"name": account_name})
            if team_role:
                role = _choice(team_role, AccountTeamMember.Role.choices)
                if role is None:
                    error(_("Unknown team role “%(value)s”.") % {"value": team_role})
                elif role == AccountTeamMember.Role.KAM:
                    if account_name in kam_rows:
                        error(_("Two rows make someone KAM of %(name)s (line %(line)s too): an account has one KAM.") % {"name": account_name, "line": kam_rows[account_name]})
                    kam_rows[account_name] = line
                plan.team_changes += 1
            if row.get("account_vertical_unit", "").strip():
                plan.account_moves += 1
            if user is not None and not user.is_active and team_role:
                error(_("%(name)s is deactivated and cannot be on an account team.") % {"name": user})
        elif team_role or row.get("account_vertical_unit", "").strip():
            error(_("A team role or vertical unit needs an account."))
    return plan


@transaction.atomic
def import_commit(*, rows: list[dict], acting_user: User) -> MappingPlan:
    """Check, then write every row through the organisation's services; any error writes nothing."""
    if not user_changes_organisation(acting_user):
        raise PermissionDenied(_("Only admins change the organisation."))
    plan = plan_import(rows)
    if not plan.ok:
        raise ValidationError([f"{line}: {message}" for line, message in plan.errors] or [_("The file has no rows.")])
    units = {unit.name.lower(): unit for unit in BusinessUnit.objects.all()}

    def unit_named(name: str, kind: str) -> BusinessUnit:
        unit = units.get(name.lower())
        if unit is None:
            unit = services_org.unit_create(name=name, kind=kind, acting_user=acting_user)
            units[name.lower()] = unit
        return unit

    for row in rows:
        username = row.get("username", "").strip()
        if not username:
            if row.get("account_vertical_unit", "").strip():
                services_org.account_move(
                    account=Account.objects.get(name=row["account"].strip()),
                    unit=unit_named(row["account_vertical_unit"].strip(), BusinessUnit.Kind.VERTICAL),
                    acting_user=acting_user,
                )
            continue
        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            user = User(username=username)
            user.set_unusable_password()
        for name in ("first_name", "last_name", "email"):
            if row.get(name, "").strip():
                setattr(user, name, row[name].strip())
        if row.get("unit", "").strip():
            user.business_unit = unit_named(row["unit"].strip(), _choice(row.get("unit_kind", ""), BusinessUnit.Kind.choices) or "")
        user.save()
        if row.get("level", "").strip():
            services_org.user_level_set(user=user, level=_choice(row["level"], Level.choices), acting_user=acting_user)
        if row.get("role", "").strip():
            user.groups.add(Group.objects.get_or_create(name=_choice(row["role"], Role.choices))[0])
        if row.get("account", "").strip():
            account = Account.objects.get(name=row["account"].strip())
            if row.get("account_vertical_unit", "").strip():
                services_org.account_move(
                    account=account, unit=unit_named(row["account_vertical_unit"].strip(), BusinessUnit.Kind.VERTICAL), acting_user=acting_user
                )
            if row.get("team_role", "").strip():
                services_org.team_member_set(
                    account=account, user=user, role=_choice(row["team_role"], AccountTeamMember.Role.choices), acting_user=acting_user
                )
    return plan


def export_rows() -> list[dict]:
    """The whole mapping, in the import's columns: a row per person and account team (a person on no
    team has one row), then a row (no user name) per account without a team, with its vertical unit.
    Five queries."""
    people = list(User.objects.select_related("business_unit").prefetch_related("groups").order_by("username"))
    members: dict[int, list[AccountTeamMember]] = {}
    for member in AccountTeamMember.objects.select_related("account__vertical_unit").order_by("account__name"):
        members.setdefault(member.user_id, []).append(member)
    rows = []
    role_names = set(Role.values)
    for person in people:
        base = {
            "username": person.username, "first_name": person.first_name, "last_name": person.last_name, "email": person.email,
            "role": next((g.name for g in person.groups.all() if g.name in role_names), ""),
            "unit": person.business_unit.name if person.business_unit else "",
            "unit_kind": person.business_unit.kind if person.business_unit else "",
            "level": person.level, "account": "", "account_vertical_unit": "", "team_role": "",
        }
        for member in members.get(person.pk, []) or [None]:
            row = dict(base)
            if member is not None:
                row.update(account=member.account.name, account_vertical_unit=member.account.vertical_unit.name, team_role=member.role)
            rows.append(row)
    blank = dict.fromkeys(COLUMNS, "")
    for account in Account.objects.filter(team__isnull=True).select_related("vertical_unit").order_by("name"):
        rows.append({**blank, "account": account.name, "account_vertical_unit": account.vertical_unit.name})
    return rows


def export_csv() -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(export_rows())
    return "\ufeff" + buffer.getvalue()
