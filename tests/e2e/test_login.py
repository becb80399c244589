import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.factories import AccountFactory, TeamMemberFactory, make_account_manager

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_account_manager_logs_in_and_sees_their_accounts(page):
    am = make_account_manager(username="am")
    mine = AccountFactory(name="한빛전자", english_name="Hanbit Electronics")
    TeamMemberFactory(account=mine, user=am)
    AccountFactory(name="Someone Else's Customer")

    login(page, "am")

    page.wait_for_url("**/")
    heading = page.get_by_role("heading", name="Accounts")
    expect(heading).to_be_visible()
    expect(page.get_by_role("link", name="한빛전자", exact=True)).to_be_visible()
    assert page.get_by_text("Someone Else's Customer").count() == 0
    page.get_by_role("link", name="한빛전자", exact=True).click()
    expect(page.get_by_role("heading", name="한빛전자")).to_be_visible()


def test_wrong_password_keeps_user_on_login_page(page):
    make_account_manager(username="am")
    login(page, "am", "not-the-password")
    expect(page.get_by_text("Please enter a correct username and password")).to_be_visible()
