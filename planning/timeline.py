"""The action plan as a Gantt chart: coordinates for a server-rendered SVG (no JavaScript, prints and goes into the PDF)."""

import datetime
from dataclasses import dataclass

from django.utils import formats


LABEL_WIDTH = 300
CHART_WIDTH = 700
ROW_HEIGHT = 26
HEADER_HEIGHT = 28
# Presentation attributes, not CSS classes, so the chart looks the same in the browser and in WeasyPrint.
STATUS_COLOURS = {"not_started": "#8d99a6", "in_progress": "#2e86ab", "blocked": "#dc3545", "done": "#198754"}


@dataclass
class Bar:
    y: float
    label: str
    depth: int
    indent: float
    x: float
    width: float
    done_width: float
    is_milestone: bool
    status: str
    colour: str
    owner: str
    start: str
    due: str
    percent: int
    text_y: float
    mid_y: float
    diamond: str
    # Set when status and progress were read now (the "Now" panel's live Gantt), the dates staying frozen.
    live_key: str = ""


@dataclass
class Tick:
    x: float
    label: str


def _day(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def timeline(
    actions: list[dict], *, period_start: datetime.date | str, period_end: datetime.date | str, today: datetime.date | None = None
) -> dict:
    """Bars for actions given in WBS order as snapshot dicts (title, kind, start_on, due_on, status, percent_done, depth, owner)."""
    start, end = _day(period_start), _day(period_end)
    span = (end - start).days + 1

    def x_of(day: datetime.date) -> float:
        offset = min(max((day - start).days, 0), span)
        return LABEL_WIDTH + CHART_WIDTH * offset / span

    bars = []
    for row, action in enumerate(actions):
        first, last = _day(action["start_on"]), _day(action["due_on"])
        x = x_of(first)
        width = max(x_of(last + datetime.timedelta(days=1)) - x, 3.0)
        y = HEADER_HEIGHT + row * ROW_HEIGHT
        mid = y + ROW_HEIGHT / 2
        depth = action.get("depth", 0)
        centre = x + width / 2 if action["kind"] == "milestone" else x
        bars.append(
            Bar(
                y=y + 6, label=action["title"], depth=depth, indent=8 + 14 * min(depth, 6), x=x, width=width,
                done_width=width * action["percent_done"] / 100, is_milestone=action["kind"] == "milestone",
                status=action["status"], colour=STATUS_COLOURS.get(action["status"], "#8d99a6"), owner=action.get("owner", ""), start=first.isoformat(), due=last.isoformat(),
                percent=action["percent_done"], text_y=mid + 4, mid_y=mid,
                diamond=f"{centre},{mid - 7} {centre + 7},{mid} {centre},{mid + 7} {centre - 7},{mid}",
                live_key=f"action-{action['id']}" if action.get("live") else "",
            )
        )
    ticks = []
    month = start.replace(day=1)
    while month <= end:
        ticks.append(Tick(x=x_of(month), label=formats.date_format(month, "M")))
        month = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    height = HEADER_HEIGHT + max(len(actions), 1) * ROW_HEIGHT + 4
    today_x = x_of(today) if today is not None and start <= today <= end else None
    return {
        "bars": bars,
        "ticks": ticks,
        "height": height,
        "width": LABEL_WIDTH + CHART_WIDTH,
        "label_width": LABEL_WIDTH,
        "today_x": today_x,
        "grid_bottom": height - 2,
    }
