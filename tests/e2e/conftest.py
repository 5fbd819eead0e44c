"""Browser tests: Playwright drives the machine's Chromium (nothing is downloaded)."""

import os
import re
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.conftest import require

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def chromium_path():
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    require(path is not None, "Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path,
            args=["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-gpu"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def axe_violations():
    """axe-core's WCAG 2.2 A/AA rules on the current page; returns the violations found."""
    axe = Axe()

    def check(page):
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        return [
            f"{v['id']}: {v['help']} ({', '.join(str(n['target']) for n in v['nodes'][:3])})"
            for v in results.response["violations"]
        ]

    return check


def sign_in(page, email, password=None):
    """Sign in through the login form (the demo password unless told) and land on the dashboard.

    An account with an authenticator app (staff) is asked for its code next: the tests' apps use
    DEMO_TOTP_SECRET, so the code is computed here as a phone would."""
    from portal.demo import demo_password
    from tests.signin import totp_code

    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(password or demo_password())
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"/(dashboard|accounts/2fa/authenticate)/$"))
    if "/2fa/" in page.url:
        page.locator('input[name="code"]').fill(totp_code())
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_url(re.compile(r"/dashboard/$"))
