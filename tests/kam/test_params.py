"""Ids and numbers from URLs, query strings and hidden fields never crash a page (core.params).

A table of odd inputs (Unicode digits that `str.isdigit()` accepts and `int()` refuses, fullwidth
digits, signs, huge numbers, blanks, floats, hex) goes to every view that reads such a parameter,
and every URL's id converters get numbers beyond the database's range.
"""

import datetime

import pytest
from django.test import Client
from django.urls import get_resolver

from core import params
from tests.kam.test_every_page_every_role import PARAM, fill, ids_for, walk, world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

ODD = ["²", "①", "１", "٣", "-1", "0", "99999999999999999999", "", " 1", "1 ", "1.0", "0x1", "1e3", "+1", "1_0",
       "2026-02-30", "９９９９-01-01", "0001-01-01"]


@pytest.mark.parametrize("value", ODD + [None, True, 1.0, "2147483648", "0" * 30 + "1" * 11])
def test_parse_id_refuses_everything_but_ascii_digits_in_range(value):
    assert params.parse_id(value) is None


@pytest.mark.parametrize(("value", "expected"), [("1", 1), ("0042", 42), ("2147483647", 2**31 - 1), (7, 7), ("0" * 30 + "5", 5)])
def test_parse_id_reads_ascii_digits(value, expected):
    assert params.parse_id(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("2026-03-05", "2026-03-05"), ("2026-02-30", None), ("0001-01-01", None), ("2026-3-5", "2026-03-05"),
    ("2026.03.05", "2026-03-05"), ("2026년 3월 5일", "2026-03-05"), ("２０２６-03-05", "2026-03-05"),
    ("03/05/2026", None), ("2026-03-05" + " " * 30, None), ("", None), (None, None),
])
def test_parse_date_reads_a_date_as_sent_or_typed(value, expected):
    day = params.parse_date(value)
    assert (day.isoformat() if day else None) == expected


def test_id_or_404_raises_not_found():
    from django.http import Http404

    with pytest.raises(Http404):
        params.id_or_404("²")
    assert params.id_or_404("12") == 12


@pytest.mark.parametrize(("parse", "good", "bad"), [
    (params.parse_year, ["2000", "2026", "2100"], ["1999", "2101", "２０２６", "²⁰²⁶", "20260"]),
    (params.parse_quarter, ["1", "4"], ["0", "5", "²", "①", "-1", "1.0"]),
    (params.parse_version, ["1", "2147483647"], ["0", "2147483648", "²"]),
    (params.parse_lock_version, ["0", "1", "2147483647"], ["-1", "2147483648", "²", "", " 3"]),
])
def test_ranged_parsers(parse, good, bad):
    assert all(parse(value) == int(value) for value in good)
    assert all(parse(value) is None for value in bad)


@pytest.mark.parametrize(("value", "expected"), [
    ("2026-03", datetime.date(2026, 3, 1)), ("2000-1", datetime.date(2000, 1, 1)), ("2100-12", datetime.date(2100, 12, 1)),
    ("2026-13", None), ("2026-00", None), ("1999-12", None), ("2026-03-01", None), ("2026", None), ("", None),
    (None, None), ("２０２６-03", None), ("2026-³", None), ("-2026-03", None), ("2026/03", None), (202603, None),
])
def test_parse_month_reads_a_month_input(value, expected):
    assert params.parse_month(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("2", 2), ("²", 1), ("", 1), (None, 1), ("-3", 1), ("0", 1), ("1.5", 1),
    ("99999999999999999999", params.MAX_PAGE), ("5000000", params.MAX_PAGE),
])
def test_page_number_falls_back_to_the_first_and_caps_at_the_last(value, expected):
    assert params.page_number(value) == expected


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_every_id_in_a_url_beyond_the_database_range_is_not_found(world):
    """`<int:…>` converters take any run of ASCII digits: a number no row can have answers 404."""
    admin, am = _client(world["admin"]), _client(world["am"])
    problems = []
    for route, _pattern in walk(get_resolver().url_patterns):
        if route.startswith("admin/") or "<" not in route:
            continue
        ids = ids_for(route, world)
        # A role refused the page whatever the id (meetings for non-executives) may be refused first.
        refused = {client: client.get(fill(route, ids)).status_code for client in (admin, am)}
        for name in {match.group("name") for match in PARAM.finditer(route) if match.group("conv") == "int"}:
            for huge in ("2147483648", "9223372036854775808", "99999999999999999999"):
                url = fill(route, {**ids, name: huge})
                for client in (admin, am):
                    code = client.get(url).status_code
                    if code not in (404, 405) and not (code == refused[client] == 403):
                        problems.append(f"GET {url} -> {code}")
    assert problems == [], "\n".join(problems)


def _query_cases(world) -> list[tuple[str, str]]:
    """(url, parameter) for every view that reads a number from the query string."""
    account, plan, approved = world["account"].pk, world["plan"].pk, world["approved_plan"].pk
    return [
        ("/", "page"), ("/", "vertical_unit"), ("/", "grade"), ("/", "owner"),
        ("/pareto/", "page"),
        (f"/accounts/{account}/org-chart/", "unit"), (f"/accounts/{account}/org-chart/", "since"),
        (f"/accounts/{account}/opportunities/", "owner"),
        ("/plans/", "year"), ("/plans/", "page"),
        ("/plans/new/", "account"),
        (f"/plans/{plan}/history/", "page"),
        (f"/plans/{plan}/compare/", "base"), (f"/plans/{plan}/compare/", "other"),
        (f"/plans/{approved}/compare/", "base"),
        ("/performance/", "page"), ("/performance/", "vertical_unit"), ("/performance/", "grade"), ("/performance/", "kam"),
        (f"/performance/accounts/{account}/", "fiscal_year"),
        (f"/performance/accounts/{account}/nps/", "page"),
        (f"/performance/accounts/{account}/actuals/", "page"),
        (f"/performance/accounts/{account}/revenue/", "page"), (f"/performance/accounts/{account}/revenue/", "year"),
        (f"/performance/accounts/{account}/revenue/", "since"), (f"/performance/accounts/{account}/revenue/", "until"),
        ("/inbox/", "page"),
        ("/api/v1/orders/", "account"), ("/api/v1/orders/", "page_size"),
        ("/api/v1/quarterly-reviews/", "fiscal_year"), ("/api/v1/quarterly-reviews/", "account"),
        ("/api/v1/plans/", "account"), ("/api/v1/contacts/", "account"),
    ]


def test_odd_numbers_in_query_strings_never_crash_a_page(world):
    am, admin = _client(world["am"]), _client(world["admin"])
    problems = []
    for url, name in _query_cases(world):
        for client in (am, admin):
            # Pages ignore a value they cannot read; the API says which parameter is wrong (400).
            # A page the role may not open stays closed (404) whatever the parameter.
            baseline = client.get(url).status_code
            allowed = {baseline, 400} if url.startswith("/api/") else {baseline}
            for value in ODD:
                code = client.get(url, {name: value}).status_code
                if code not in allowed:
                    problems.append(f"GET {url}?{name}={value!r} -> {code}")
    assert problems == [], "\n".join(problems)


def test_a_page_number_past_the_end_shows_the_last_page(world):
    response = _client(world["am"]).get("/plans/", {"page": "99999999999999999999"})
    assert response.status_code == 200
    assert response.context["page"].number == response.context["page"].paginator.num_pages


@pytest.mark.parametrize("value", ["²", "①", "-1", "0", "99999999999999999999", "1.0", "0x1"])
def test_an_odd_version_of_the_pdf_export_is_not_found(world, value):
    response = _client(world["am"]).get(f"/plans/{world['plan'].pk}/export.pdf", {"version": value})
    assert response.status_code == 404


@pytest.mark.parametrize("value", [value for value in ODD if value != "0"])  # 0 is an old version: a conflict (409)
def test_an_odd_lock_version_is_the_forms_own_error_and_saves_nothing(value):
    from planning.models import AccountPlan
    from tests.factories import AccountFactory, TeamMemberFactory, make_account_manager, make_complete_plan

    am = make_account_manager(username="lock-am")
    account = AccountFactory(name="Lock Account")
    TeamMemberFactory(account=account, user=am)
    plan = make_complete_plan(account=account, user=am)
    before = AccountPlan.objects.values().get(pk=plan.pk)
    client = _client(am)
    response = client.post(f"/plans/{plan.pk}/step/1/", {"lock_version": value, "org_review_notes": "changed"})
    assert response.status_code == 400
    assert "The form was incomplete" in response.text
    assert AccountPlan.objects.values().get(pk=plan.pk) == before


@pytest.mark.parametrize("value", ODD)
def test_odd_hidden_fields_of_reviews_and_agendas_never_crash(world, value):
    from planning.models import AgendaItem, QuarterlyReview

    reviews, items = QuarterlyReview.objects.count(), AgendaItem.objects.count()
    other_am = _client(world["other_am"])
    code = other_am.post(f"/plans/{world['approved_plan'].pk}/reviews/", {"quarter": value}).status_code
    assert code == 302  # back to step 6 with a message, or to the review of today's quarter
    executive = _client(world["executive"])
    code = executive.post(f"/meetings/{world['meeting'].pk}/agenda/", {"version": value}).status_code
    assert code == 302
    assert AgendaItem.objects.count() == items
    assert QuarterlyReview.objects.count() <= reviews + 1
