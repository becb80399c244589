"""Frozen snapshots read in the reader's language: KPIs by their code, months by their number."""

import importlib

import pytest
from django.template import Context, Template
from django.utils import translation

from planning.models import PlanVersion
from planning.snapshot import snapshot_diff
from tests.factories import build_site_world, kpi

pytestmark = pytest.mark.django_db


def _render(row, language):
    with translation.override(language):
        return Template("{% load kpi_format %}{{ row|kpi_name }} ({{ row|kpi_unit_label }})").render(Context({"row": row}))


def test_a_frozen_kpi_row_reads_in_the_readers_language():
    revenue = kpi("revenue")
    row = {"key": "revenue", "kpi": "Revenue", "unit": "Percent", "is_money": False}
    assert _render(row, "ko").startswith(revenue.name_ko)
    assert _render(row, "en").startswith(revenue.name)
    revenue.name_ko = "매출액"
    revenue.save()
    assert _render(row, "ko").startswith("매출액")  # the catalogue's name now, not the cached one


def test_a_kpi_gone_from_the_catalogue_keeps_its_frozen_name():
    assert _render({"key": "gone", "kpi": "Old KPI", "unit": "KRW", "is_money": True}, "ko") == "Old KPI (KRW)"


def test_frozen_in_english_compared_in_korean_shows_no_change():
    row = lambda name, unit, months: {  # noqa: E731
        "key": "revenue", "kpi": name, "unit": unit, "is_money": True,
        "periods": [{"label": "Q1", "value": 1}], "months": [{"month": 1, "label": months, "value": 1}],
    }
    old = {"strategy": {"targets": [row("Revenue", "KRW", "Jan")]}}
    new = {"strategy": {"targets": [row("매출", "KRW", "1월")]}}
    assert snapshot_diff(old, new) == []
    new["strategy"]["targets"][0]["periods"][0]["value"] = 2
    assert len(snapshot_diff(old, new)) == 1


def test_the_migration_gives_old_snapshots_codes_and_month_numbers():
    from django.apps import apps

    world = build_site_world()
    version = PlanVersion.objects.filter(plan=world["plan"]).first()
    revenue = kpi("revenue")
    version.snapshot["strategy"]["targets"] = [
        {"kpi": revenue.name_ko, "months": [{"label": "1월", "value": 1}, {"label": "2월", "value": 2}]},
        {"kpi": "Something else"},
    ]
    version.save()
    importlib.import_module("planning.migrations.0009_snapshot_kpi_codes").codes_in_snapshots(apps, None)
    version.refresh_from_db()
    first, second = version.snapshot["strategy"]["targets"]
    assert first["key"] == "revenue" and [m["month"] for m in first["months"]] == [1, 2]
    assert "key" not in second
