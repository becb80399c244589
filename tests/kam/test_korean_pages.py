"""Every page, read in Korean, shows no English UI string.

The pages are those of tests/kam/test_every_page_every_role.py (each route opened by a role that may
open it). A text node, or a placeholder / title / aria-label, that equals a message of our
catalogue whose Korean differs is an English string left untranslated: a catalogue lookup, not a guess.
"""

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import Client
from django.urls import get_resolver

from tests.kam.test_every_page_every_role import EXPECTED, PUBLIC, fill, ids_for, walk, world  # noqa: F401
from tests.kam.test_translations import LOCALE, _po_entries

pytestmark = pytest.mark.django_db

# The role that opens each page (the first that may); pages no role opens with 200 are skipped.
ROLE_USERS = (("am", "am"), ("exec", "executive"), ("admin", "admin"))
NOT_HTML = re.compile(r"^api/|export\.(pdf|xlsx)$|/attachments/<int:attachment_id>/$|^logout/|^i18n/")
ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
# Data of the test world that happens to equal a message (an offering called "24/7 support").
DATA = {"24/7 support"}


def english_messages() -> dict[str, str]:
    """msgid -> msgstr of every message whose Korean differs from its English (placeholders excluded)."""
    return {
        msgid.strip(): msgstr
        for _context, msgid, msgstr in _po_entries(LOCALE / "django.po")
        if msgstr and msgstr != msgid and "%(" not in msgid and "{" not in msgid and "<" not in msgid
    }


class _Texts(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skipping: list[str] = []  # open elements whose text is not UI text

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        # Scripts and styles; <code> (CSV column names, KPI codes); text marked as another language
        # (the language switcher names each language in itself).
        if tag in ("script", "style", "code") or attributes.get("lang", "ko") != "ko":
            self._skipping.append(tag)
            return
        if self._skipping:
            return
        for name, value in attrs:
            if name in ATTRIBUTES and value:
                self.texts.append(value)

    def handle_endtag(self, tag):
        if self._skipping and self._skipping[-1] == tag:
            self._skipping.pop()

    def handle_data(self, data):
        if not self._skipping:
            self.texts.append(data)


def english_left(html: str, messages: dict[str, str]) -> list[str]:
    parser = _Texts()
    parser.feed(html)
    found = []
    for text in parser.texts:
        plain = " ".join(text.split())
        if plain in messages and plain not in DATA:
            found.append(plain)
    return found


def test_the_check_finds_an_english_string():
    messages = english_messages()
    assert english_left("<p>Revenue and order intake by month</p><input placeholder='Search by name'>", messages) == [
        "Revenue and order intake by month", "Search by name",
    ]
    assert english_left("<p>월별 매출과 수주</p><script>const label = 'Revenue and order intake by month';</script>", messages) == []
    assert english_left("<code>account</code><option lang='en'>English</option>", messages) == []


def test_every_page_reads_in_korean(world):
    messages = english_messages()
    clients = {}
    for role, key in ROLE_USERS:
        user = world[key]
        user.language = "ko"
        user.save(update_fields=["language"])
        client = Client(HTTP_ACCEPT_LANGUAGE="ko")
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ko"
        client.force_login(user)
        clients[role] = client
    clients["anon"] = Client(HTTP_ACCEPT_LANGUAGE="ko")
    clients["anon"].cookies[settings.LANGUAGE_COOKIE_NAME] = "ko"
    problems, opened = [], 0
    for route, _pattern in walk(get_resolver().url_patterns):
        if route.startswith("admin/") or route in PUBLIC or NOT_HTML.search(route) or route not in EXPECTED:
            continue
        role = next((role for role in ("am", "exec", "admin", "anon") if EXPECTED[route][role] == 200), None)
        if role is None:
            continue
        response = clients[role].get(fill(route, ids_for(route, world)))
        if "text/html" not in response.get("Content-Type", ""):
            continue
        opened += 1
        for text in english_left(response.content.decode(), messages):
            problems.append(f"/{route} ({role}): {text!r} (→ {messages[text]!r})")
    assert opened > 30
    assert problems == [], "\n".join(problems)
