"""bench/crawl.py follows only the site's own readable pages, tells exports apart, and judges by the budgets."""

import pytest

from bench import crawl

BASE = "http://127.0.0.1:8000/accounts/12/"


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("/accounts/", "/accounts/"),
        ("plans/?year=2026", "/accounts/12/plans/?year=2026"),
        ("../13/", "/accounts/13/"),
        ("http://127.0.0.1:8000/pareto/", "/pareto/"),
        ("https://example.com/", None),
        ("http://127.0.0.1:9000/", None),
        ("#contacts", None),
        ("mailto:kim@example.com", None),
        ("javascript:void(0)", None),
        ("/logout/", None),
        ("/i18n/setlang/", None),
        ("/admin/accounts/account/", None),
        ("/static/app.css", None),
        ("/api/v1/accounts/", None),
        ("", None),
    ],
)
def test_a_crawl_follows_the_sites_own_pages_and_never_one_that_writes_or_leaves(href, expected):
    assert crawl.same_site_path(BASE, href) == expected


@pytest.mark.parametrize(
    ("path", "content_type", "expected"),
    [
        ("/accounts/", "text/html; charset=utf-8", False),
        ("/performance/orders/export.csv", "", True),
        ("/plans/3/export/", "text/html", True),
        ("/plans/3/pdf/", "text/html", True),
        ("/meetings/4/calendar.ics", "", True),
        ("/dashboard/?format=xlsx", "", True),
        ("/accounts/12/", "application/json", True),
    ],
)
def test_exports_are_told_apart_by_address_or_type(path, content_type, expected):
    assert crawl.is_export(path, content_type) is expected


def test_the_nearest_rank_percentile():
    values = list(range(1, 101))
    assert crawl.percentile(values, 0.95) == 95
    assert crawl.percentile(values, 0.5) == 50
    assert crawl.percentile([7.0], 0.95) == 7.0


def timing(path, ms, *, status=200, export=False):
    return {"path": path, "ms": ms, "status": status, "export": export}


def test_the_verdict_names_a_slow_p95_slow_pages_slow_exports_and_server_errors():
    timings = [timing(f"/p{i}/", 20.0) for i in range(95)] + [timing("/slow/", 350.0)]
    timings += [timing("/x.xlsx", 900.0, export=True), timing("/big.pdf", 2500.0, export=True), timing("/boom/", 30.0, status=500)]
    summary = crawl.summarise(timings)
    assert (summary["pages"], summary["exports"]) == (97, 2)
    assert summary["p50_ms"] == 20.0
    assert crawl.verdict(summary) == [
        "/slow/ 350 ms >= 300 ms",
        "export /big.pdf 2500 ms >= 2000 ms",
        "/boom/ answered 500",
    ]


def test_a_fast_crawl_has_nothing_to_say():
    summary = crawl.summarise([timing(f"/p{i}/", 10.0 + i % 7) for i in range(300)])
    assert summary["p95_ms"] < crawl.P95_BUDGET_MS
    assert crawl.verdict(summary) == []


def test_the_parser_collects_links_and_the_login_forms_token():
    parser = crawl.LinkParser()
    parser.feed('<form><input type="hidden" name="csrfmiddlewaretoken" value="abc"></form>'
                '<a href="/accounts/">Accounts</a><a>no link</a><a href="/pareto/">Pareto</a>')
    assert parser.links == ["/accounts/", "/pareto/"]
    assert parser.csrf == "abc"
