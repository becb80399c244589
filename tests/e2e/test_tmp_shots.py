import pytest
from tests.e2e.conftest import login
from tests.factories import make_account_manager

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_shots(page, browser, live_server):
    user = make_account_manager(username="shot-am")
    user.set_password("kamdemo"); user.save()
    for lang in ("en", "ko"):
        for width in (1400, 390):
            context = browser.new_context(base_url=live_server.url, locale="en-US", viewport={"width": width, "height": 900})
            p = context.new_page()
            login(p, "shot-am")
            if lang == "ko":
                p.context.add_cookies([{"name": "django_language", "value": "ko", "url": live_server.url}])
            p.goto("/performance/import/")
            p.screenshot(path=f"/tmp/inputs/import-{lang}-{width}.png", full_page=True)
            sw = p.evaluate("document.documentElement.scrollWidth")
            print("scrollWidth", lang, width, sw)
            context.close()
