"""The action plan's Gantt chart, written in Python (planning/templatetags/timeline_tags.py) as the template drew it."""

import datetime

from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.utils import translation

from planning.templatetags.timeline_tags import _tenths
from planning.timeline import timeline

ACTIONS = [
    {"id": 1, "title": "Pilot <MES> & \"roll-out\" across every plant of the group", "kind": "task", "start_on": "2026-01-01",
     "due_on": "2026-03-31", "status": "in_progress", "percent_done": 33, "depth": 0, "owner": "Kim", "live": True},
    {"id": 2, "title": "Pilot accepted", "kind": "milestone", "start_on": datetime.date(2026, 5, 5),
     "due_on": datetime.date(2026, 5, 5), "status": "done", "percent_done": 100, "depth": 1},
]


def test_coordinates_are_written_as_floatformat_1u_writes_them():
    for value in (0, 3, 3.0, 300.25, 300.35, 45.05, 1000 / 3, 999.95, 12.3456, 7e-5):
        assert _tenths(value) == floatformat(value, "1u")


def test_the_chart_has_its_bars_milestones_ticks_and_today():
    chart = timeline(ACTIONS, period_start="2026-01-01", period_end="2026-12-31", today=datetime.date(2026, 7, 1))
    with translation.override("en"):
        svg = render_to_string("planning/includes/timeline_svg.html", {"timeline": chart})
    assert svg.startswith('<svg class="timeline" viewBox="0 0 1000 84" width="100%" role="img" aria-label="Action plan timeline"')
    assert svg.endswith("</svg>\n")
    assert svg.count("<line ") == 12 + 1 and svg.count("<polygon ") == 1 and svg.count("<rect ") == 1 + 2
    assert '<g data-live="action-1">' in svg and "<g data-frozen>" in svg
    assert "<title>Pilot &lt;MES&gt; &amp; &quot;roll-out&quot; across every plant of the group · 2026-01-01 – 2026-03-31 · 33% · Kim</title>" in svg
    assert 'font-weight="600">Pilot &lt;MES&gt; &amp; &quot;roll-out&quot; across every…</text>' in svg
    assert '<rect x="300.0" y="34.0" width="172.6" height="14" rx="3" fill="#2e86ab" fill-opacity="0.3"/>' in svg
    assert 'stroke="#dc3545" stroke-width="1.5"' in svg


def test_no_today_line_outside_the_plans_year():
    chart = timeline(ACTIONS, period_start="2026-01-01", period_end="2026-12-31", today=datetime.date(2027, 1, 5))
    assert 'stroke="#dc3545"' not in render_to_string("planning/includes/timeline_svg.html", {"timeline": chart})
