"""Korean ships complete: every message of the catalogue is translated and compiled."""

import ast
import gettext
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "ko" / "LC_MESSAGES"


def _po_entries(path: Path) -> list[tuple[str | None, str, str]]:
    """(msgctxt, msgid, first msgstr) of each active entry of a .po file; enough of the format for this check."""
    entries, current, field = [], {}, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("#~"):
            continue
        if not line.strip():
            if "msgid" in current:
                entries.append((current.get("msgctxt"), current["msgid"], current.get("msgstr", "")))
            current, field = {}, None
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid", "msgstr", "msgstr[0]"):
            field = "msgstr" if keyword == "msgstr[0]" else keyword
            current[field] = ast.literal_eval(rest)
        elif keyword in ("msgid_plural",) or keyword.startswith("msgstr["):
            field = None
        elif line.startswith('"') and field:
            current[field] += ast.literal_eval(line)
    return [entry for entry in entries if entry[1]]


def test_every_korean_message_is_translated():
    untranslated = [msgid for _ctx, msgid, msgstr in _po_entries(LOCALE / "django.po") if not msgstr]
    assert untranslated == []


def test_compiled_korean_catalogue_matches_the_source():
    compiled = gettext.GNUTranslations(open(LOCALE / "django.mo", "rb"))
    stale = [
        msgid
        for ctx, msgid, msgstr in _po_entries(LOCALE / "django.po")
        if "%" not in msgid and (compiled.pgettext(ctx, msgid) if ctx else compiled.gettext(msgid)) != msgstr
    ]
    assert stale == [], "run `make messages` (the .mo is older than the .po)"


def test_no_korean_message_is_fuzzy():
    """msgmerge marks a new message fuzzy when it resembles an old one; a fuzzy translation is never shown."""
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    body = text.split("\n\n", 1)[1]  # the header entry is fuzzy by convention
    assert "#, fuzzy" not in body and ", fuzzy" not in body
