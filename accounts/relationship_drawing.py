"""The relationship map drawn as a map: their people and ours in two columns, a line per relationship.

Pure layout over `selectors.relationship_map`'s rows (no query of its own): the template draws
it as SVG. Lines are coloured by how long ago the last contact was and drawn thicker the
stronger the relationship; key customer people (decision maker, Fox, Kingpin) are marked, and
a gap (a key person with no counterpart or no recent contact) is drawn in red or amber, and a key
person covered only by someone of another level (`level_mismatch`) carries the same badge as in the table.
"""

import datetime
import unicodedata
from dataclasses import dataclass, field

from django.utils.text import Truncator

WIDTH = 660
BOX_WIDTH = 240
BOX_HEIGHT = 50
ROW = 60
HEADER = 30
TOP = 36
# The customer's people on the left: on a phone they (and their gaps) are what shows first.
THEIRS_X = 10
OURS_X = WIDTH - BOX_WIDTH - 10
BADGE_WIDTH = 128  # "⇄ other level" on the top edge of a customer's box
FRESH_DAYS = 30
STALE_DAYS = 90


@dataclass
class Box:
    x: int
    y: int
    name: str
    detail: str
    marks: str = ""
    css: str = ""
    gap: str | None = None
    level_mismatch: bool = False

    @property
    def mid_y(self) -> int:
        return self.y + BOX_HEIGHT // 2

    @property
    def transform(self) -> str:
        """The box's SVG position, as text: the template then has no number to localize."""
        return f"translate({self.x},{self.y})"


@dataclass
class Line:
    x1: int
    y1: int
    x2: int
    y2: int
    strength: int
    age: str

    @property
    def path(self) -> str:
        bend = (self.x2 - self.x1) // 2
        return f"M{self.x1},{self.y1} C{self.x1 + bend},{self.y1} {self.x2 - bend},{self.y2} {self.x2},{self.y2}"


@dataclass
class Drawing:
    width: int = WIDTH
    height: int = 0
    ours: list[Box] = field(default_factory=list)
    theirs: list[Box] = field(default_factory=list)
    headers: list[tuple[int, str]] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    gaps: list[dict] = field(default_factory=list)
    level_mismatches: list[str] = field(default_factory=list)
    ours_x: int = OURS_X
    theirs_x: int = THEIRS_X
    box_width: int = BOX_WIDTH
    box_height: int = BOX_HEIGHT
    badge_x: int = BOX_WIDTH - BADGE_WIDTH - 6
    badge_width: int = BADGE_WIDTH


def contact_age(last: datetime.date | None, today: datetime.date) -> str:
    """fresh (within 30 days), ageing (within 90) or stale (older, or never)."""
    if last is None or (today - last).days > STALE_DAYS:
        return "stale"
    return "fresh" if (today - last).days <= FRESH_DAYS else "ageing"


def _short(text: str, length: int = 30) -> str:
    """`Truncator.chars`, without its character-by-character walk for the names that fit (nearly all)."""
    text = text or ""
    if len(text) <= length and unicodedata.is_normalized("NFC", text):
        return text
    return Truncator(text).chars(length)


def layout(*, levels: list[dict], today: datetime.date) -> Drawing:
    drawing = Drawing()
    y = TOP
    ours_order: dict[int, dict] = {}
    pending: list[tuple[object, Box]] = []
    for level in levels:
        if not level["rows"]:
            continue
        drawing.headers.append((y + 18, str(level["label"])))
        y += HEADER
        for row in level["rows"]:
            contact = row["contact"]
            marks = " · ".join(str(label) for _, label in contact.buying_role_badges)
            detail = " · ".join(part for part in (contact.title, str(contact.org_unit) if contact.org_unit else "") if part)
            gap = row.get("gap")
            mismatch = bool(row.get("level_mismatch"))
            box = Box(
                x=THEIRS_X, y=y, name=_short(contact.name, 26), detail=_short(detail, 36), marks=_short(marks, 36),
                css=" ".join(filter(None, [
                    "key" if row.get("is_key") else "", f"gap-{gap}" if gap else "", "level-mismatch" if mismatch else "",
                ])),
                gap=gap, level_mismatch=mismatch,
            )
            drawing.theirs.append(box)
            if gap:
                drawing.gaps.append({"name": contact.name, "gap": gap})
            if mismatch:
                drawing.level_mismatches.append(contact.name)
            for link in row["links"]:
                member = ours_order.setdefault(link.user_id, {"user": link.user, "link": link, "count": 0})
                member["count"] += 1
                pending.append((link, box))
            y += ROW
    theirs_height = y
    # Our people spread over the same height, in the order they first appear (top-down).
    count = len(ours_order)
    step = max(ROW, (theirs_height - TOP) // count) if count else ROW
    boxes: dict[int, Box] = {}
    for index, (user_id, member) in enumerate(ours_order.items()):
        link = member["link"]
        team_member = getattr(link, "team_member", None)
        role = team_member.get_role_display() if team_member else (getattr(link.user, "job_title", "") or "")
        boxes[user_id] = Box(x=OURS_X, y=TOP + index * step, name=_short(str(member["user"]), 26), detail=_short(str(role), 36))
    drawing.ours = list(boxes.values())
    for link, their_box in pending:
        our_box = boxes[link.user_id]
        drawing.lines.append(
            Line(
                x1=THEIRS_X + BOX_WIDTH, y1=their_box.mid_y, x2=OURS_X, y2=our_box.mid_y,
                strength=max(1, min(5, int(link.strength or 1))),
                age=contact_age(getattr(link, "last_contact_on", None), today),
            )
        )
    bottom = max([box.y + BOX_HEIGHT for box in drawing.ours + drawing.theirs], default=TOP)
    drawing.height = bottom + 10
    return drawing
