"""The main pages fit the screen and pass axe-core: no sideways scroll at 1400 px or on a phone
(390 px), and no serious or critical accessibility violation, in English and in Korean."""

from pathlib import Path

import pytest
from django.urls import reverse

from tests.e2e.test_content_security_policy import _pages
from tests.factories import build_site_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
WIDTHS = (1400, 390)

SERIOUS_VIOLATIONS = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
}"""


def _check(page, urls: list[str]) -> list[str]:
    problems = []
    for url in urls:
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        page.goto(url)
        page.wait_for_load_state("networkidle")
        page.add_script_tag(content=AXE)
        for width in WIDTHS:  # one load, laid out again at each width
            page.set_viewport_size({"width": width, "height": 900})
            page.evaluate("() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))")
            sideways = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if sideways > 0:
                problems.append(f"{url} at {width} px scrolls sideways by {sideways} px")
            problems += [f"{url} at {width} px: {violation}" for violation in page.evaluate(SERIOUS_VIOLATIONS)]
    return problems


@pytest.mark.parametrize("language", ["en", "ko"])
def test_main_pages_fit_and_pass_axe(browser, live_server, language):
    world = build_site_world()
    for user in (world["admin"], world["executive"]):
        user.set_password("kamdemo")
        user.save()
    # axe is injected as a script: the test's own context lets it past the Content Security Policy.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, viewport={"width": 1400, "height": 900})
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        _login_any(page, world["admin"].username)
        problems = _check(page, [url for url in _pages(world) if url not in (reverse("api:docs"), reverse("admin:index"))])
        page.context.clear_cookies()
        page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        _login_any(page, world["executive"].username)
        meeting = world["meeting"].pk
        problems += _check(page, [reverse("planning:meeting-list"), reverse("planning:meeting-detail", args=[meeting]),
                                  reverse("planning:meeting-item", args=[meeting, world["agenda_item"].pk]),
                                  reverse("notifications:inbox")])
    finally:
        context.close()
    assert problems == []


def _login_any(page, username: str) -> None:
    """Sign in through the form whatever the page's language (fields by name, not by label)."""
    page.goto("/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "kamdemo")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
