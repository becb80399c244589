"""The enforced Content Security Policy blocks nothing on the main pages: no inline script,
inline event handler or inline style is left (Chromium reports each blocked one in the console)."""

import pytest
from django.urls import reverse

from tests.e2e.conftest import login
from tests.factories import build_site_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _pages(world) -> list[str]:
    account, plan = world["account"].pk, world["plan"].pk
    pages = [
        reverse("accounts:home"),
        reverse("accounts:pareto"),
        *(reverse(f"accounts:{name}", args=[account]) for name in (
            "detail", "org-chart", "relationships", "opportunities", "whitespace", "pricing", "experience")),
        reverse("performance:dashboard"),
        reverse("performance:kpi-catalogue"),
        *(reverse(f"performance:{name}", args=[account]) for name in ("account-kpis", "account-nps", "account-actuals")),
        reverse("performance:import"),
        reverse("performance:import-revenue"),
        reverse("planning:plan-list"),
        reverse("planning:plan-detail", args=[plan]),
        *(reverse("planning:plan-step", args=[plan, step]) for step in range(1, 8)),
        reverse("planning:plan-step-targets", args=[plan]),
        reverse("planning:plan-history", args=[plan]),
        reverse("planning:review-detail", args=[world["approved_plan"].pk, 1]),
        reverse("planning:plan-detail", args=[world["approved_plan"].pk]),
        reverse("accounts:organisation"),
        reverse("accounts:organisation-people"),
        reverse("accounts:organisation-coverage"),
        reverse("accounts:organisation-history"),
        reverse("accounts:organisation-mapping"),
        reverse("accounts:organisation-team", args=[account]),
        reverse("accounts:organisation-handover", args=[world["am"].pk]),
        reverse("api:docs"),
        reverse("admin:index"),
    ]
    return pages


def test_main_pages_report_no_content_security_policy_violation(page, live_server):
    world = build_site_world()
    for user in (world["admin"], world["executive"]):
        user.set_password("kamdemo")
        user.save()
    violations: list[str] = []
    page.on("console", lambda message: violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text else None)
    failed: list[str] = []
    page.on("response", lambda response: failed.append(f"{response.url} {response.status}")
            if response.status >= 400 else None)

    login(page, world["admin"].username)
    for url in _pages(world):
        response = page.goto(url)
        assert response.headers.get("content-security-policy"), url
        page.wait_for_load_state("networkidle")
    # Consensus meetings are the executives' pages.
    page.context.clear_cookies()
    login(page, world["executive"].username)
    meeting = world["meeting"].pk
    for url in (reverse("planning:meeting-list"), reverse("planning:meeting-detail", args=[meeting]),
                reverse("planning:meeting-item", args=[meeting, world["agenda_item"].pk])):
        page.goto(url)
        page.wait_for_load_state("networkidle")

    assert violations == []
    assert failed == []


def test_an_inline_script_is_blocked_by_the_policy(page, live_server):
    """The check above would see a violation: a page with an inline script reports one."""
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    page.route("**/csp-probe", lambda route: route.fulfill(
        status=200, content_type="text/html",
        headers={"Content-Security-Policy": "script-src 'self'"},
        body="<!doctype html><script>document.title='ran'</script>"))
    page.goto(live_server.url + "/csp-probe")
    assert page.title() != "ran"
    assert any("Content Security Policy" in text for text in messages)
