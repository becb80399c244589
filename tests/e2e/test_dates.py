"""Dates read one way per page language, whatever the browser's locale (core.dates, static/js/dates.js).

An English Chromium showed `<input type=date>` as mm/dd/yyyy on Korean pages that write dates as
2026-12-07; the date inputs are now text inputs in the page's format that read what people type.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import OrgChange
from tests.e2e.test_pages_fit import _login_any
from tests.factories import AccountFactory, ContactFactory, TeamMemberFactory, make_account_manager

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@pytest.fixture
def hanbit():
    am = make_account_manager(username="am")
    am.set_password("kamdemo")
    am.save()
    account = AccountFactory(name="한빛전자", english_name="Hanbit Electronics")
    TeamMemberFactory(account=account, user=am)
    ContactFactory(account=account, name="김대현", title="대표이사", level="executive", is_decision_maker=True)
    return account


def _page(browser, live_server, *, language: str, browser_locale: str):
    context = browser.new_context(base_url=live_server.url, locale=browser_locale, viewport={"width": 1400, "height": 900})
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    _login_any(page, "am")
    return page


@pytest.mark.parametrize(("language", "browser_locale", "button"), [("ko", "en-US", "날짜 선택"), ("en", "ko-KR", "Choose a date")])
def test_a_date_input_shows_the_pages_format_not_the_browsers(browser, live_server, hanbit, language, browser_locale, button):
    page = _page(browser, live_server, language=language, browser_locale=browser_locale)
    try:
        page.goto(reverse("accounts:org-chart", args=[hanbit.pk]))
        since = page.locator("#since")
        expect(since).to_have_attribute("type", "text")
        expected = (timezone.localdate() - datetime.timedelta(days=90)).isoformat()
        expect(since).to_have_value(expected)
        assert ISO.match(since.input_value())
        # No date input the browser formats: the only ones are the calendar button's invisible pickers.
        assert page.locator("input[type=date]:not(.date-input-picker)").count() == 0
        assert page.locator(".date-input-picker").evaluate("picker => getComputedStyle(picker).opacity") == "0"
        expect(page.get_by_role("button", name=button)).to_be_visible()
    finally:
        page.context.close()


def test_a_date_typed_the_korean_way_is_tidied_and_saved(browser, live_server, hanbit):
    page = _page(browser, live_server, language="ko", browser_locale="en-US")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    try:
        page.goto(reverse("accounts:org-chart", args=[hanbit.pk]))
        page.goto(reverse("accounts:contact-add", args=[hanbit.pk]))
        page.fill("#id_name", "박민호")
        page.fill("#id_title", "구매 담당")
        happened = page.locator("#id_happened_on")
        expect(happened).to_have_value(timezone.localdate().isoformat())
        happened.fill(f"{yesterday.year}년 {yesterday.month}월 {yesterday.day}일")
        happened.press("Tab")
        expect(happened).to_have_value(yesterday.isoformat())
        page.locator("form button[type=submit]").last.click()
        page.wait_for_load_state("networkidle")
        change = OrgChange.objects.get(contact__name="박민호")
        assert change.happened_on == yesterday
    finally:
        page.context.close()


def test_an_unreadable_date_is_refused_in_the_pages_language(browser, live_server, hanbit):
    page = _page(browser, live_server, language="ko", browser_locale="en-US")
    message = "2026-12-07처럼 날짜를 입력하세요(2026.12.07, 2026년 12월 7일도 됩니다)."
    try:
        page.goto(reverse("accounts:contact-add", args=[hanbit.pk]))
        page.fill("#id_name", "이서연")
        happened = page.locator("#id_happened_on")
        happened.fill("2026.1.5")
        happened.press("Tab")
        expect(happened).to_have_value("2026-01-05")
        assert happened.evaluate("input => input.validationMessage") == ""
        happened.fill("12/07/2026")
        happened.press("Tab")
        # A form the browser validates shows the page's message, not the browser's "match the format".
        assert happened.evaluate("input => input.validationMessage") == message
        # The site's forms are `novalidate`: the server answers, in the page's language, beside the field.
        page.locator("form button[type=submit]").last.click()
        page.wait_for_load_state("networkidle")
        expect(page.get_by_text(message)).to_be_visible()
        expect(page.locator("#id_happened_on")).to_have_value("12/07/2026")
        assert not OrgChange.objects.filter(contact__name="이서연").exists()
    finally:
        page.context.close()


def test_the_calendar_button_writes_the_chosen_date_in_the_pages_format(browser, live_server, hanbit):
    page = _page(browser, live_server, language="ko", browser_locale="en-US")
    try:
        page.goto(reverse("accounts:org-chart", args=[hanbit.pk]))
        # The browser's picker is its own window; what it hands back is what a choice in it sends.
        page.get_by_role("button", name="날짜 선택").click()
        page.locator("#since ~ .date-input-picker").evaluate(
            "picker => { picker.value = '2026-03-05'; picker.dispatchEvent(new Event('change', {bubbles: true})); }"
        )
        expect(page.locator("#since")).to_have_value("2026-03-05")
        page.get_by_role("button", name="보기", exact=True).click()
        expect(page).to_have_url(re.compile(r"since=2026-03-05"))
        expect(page.locator("#since")).to_have_value("2026-03-05")
    finally:
        page.context.close()


def test_the_servers_message_for_a_bad_date_shows_beside_the_calendar_button(browser, live_server, hanbit):
    page = _page(browser, live_server, language="en", browser_locale="ko-KR")
    try:
        page.goto(reverse("accounts:contact-add", args=[hanbit.pk]))
        page.fill("#id_name", "Seo Yeon")
        # The day the calendar lacks passes the browser's pattern; the server names it.
        page.fill("#id_happened_on", "2026-02-30")
        page.locator("form button[type=submit]").last.click()
        page.wait_for_load_state("networkidle")
        expect(page.get_by_text("“2026-02-30” is not a date of the calendar.")).to_be_visible()
        expect(page.locator("#id_happened_on")).to_have_value("2026-02-30")
    finally:
        page.context.close()
