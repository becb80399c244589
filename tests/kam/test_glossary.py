"""The Korean catalogue speaks the glossary's words (locale/ko/glossary.tsv, from DOMAIN.md's glossary).

Every message whose English contains a glossary term (whole words, any case, plural -s/-es)
must use the glossary's Korean term. Longer terms are matched first ("pricing tier" before
"tier"), placeholders, URLs and markup are ignored, and the exceptions below are listed with why.
"""

import re
from pathlib import Path

from tests.kam.test_translations import LOCALE, _po_entries

GLOSSARY = LOCALE.parent / "glossary.tsv"

# (term, msgid) pairs where the English word is not the glossary's concept, or Korean says it otherwise.
EXCEPTIONS = {
    # a KPI code given as an example
    ("revenue", "A short key used in imports, e.g. revenue or nps."),
    # "order" as a sequence
    ("order", "The agenda order was changed; the attendees were told."),
}
# Messages that name things in English on purpose (API parameters, file formats, the values an import file holds).
SKIP = re.compile(r"/api/|billable|\?page=|KAM_DEMO|--|^Unknown (role|level) ")


def glossary() -> list[tuple[str, str]]:
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        english, korean, *_note = line.split("\t")
        rows.append((english.strip(), korean.strip()))
    return sorted(rows, key=lambda row: -len(row[0]))


def _plain(msgid: str) -> str:
    text = re.sub(r"%\([^)]*\)[sd]|%%|\{[^}]*\}|<[^>]+>", " ", msgid)
    return text


def glossary_violations() -> list[str]:
    terms = glossary()
    problems = []
    for context, msgid, msgstr in _po_entries(LOCALE / "django.po"):
        if SKIP.search(msgid):
            continue
        text = _plain(msgid)
        for english, korean in terms:
            pattern = re.compile(rf"\b{re.escape(english)}(?:s|es)?\b", re.IGNORECASE)
            if not pattern.search(text):
                continue
            text = pattern.sub(" ", text)  # a shorter term inside this one is not checked again
            if (english, msgid) in EXCEPTIONS or (context == "SWOT" and english == "opportunity"):
                continue
            if korean not in msgstr:
                problems.append(f"{english} → {korean}: {msgid!r} = {msgstr!r}")
    return problems


def test_the_catalogue_uses_the_glossary_terms():
    assert glossary_violations() == []


def test_the_glossary_lists_the_seeds_terms():
    terms = dict(glossary())
    assert terms["middle manager"] == "중간관리자" and terms["sponsoring"] == "발의 조직"
    assert terms["at risk"] == "위험" and terms["order"] == "수주"


def test_the_glossary_file_is_well_formed():
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            assert len(line.split("\t")) == 3, line
    assert Path(GLOSSARY).exists()
