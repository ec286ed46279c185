"""Person-first, kind language (NIDA "Words Matter"; recovery-care.md §7; docs/references.md).

No template and no translatable string says "clean time", calls a day or a person "clean" or
"dirty", or says "addict(s)", "abuser(s)", "substance abuse" or "heavy drinkers/users". The
allowlist holds proper names and quoted instrument items, which keep their own words.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "homegroup"

BANNED = {
    "clean time": re.compile(r"\bclean[\s-]+time\b", re.IGNORECASE),
    "clean (of a day or a person)": re.compile(r"\bclean\b", re.IGNORECASE),
    "dirty": re.compile(r"\bdirty\b", re.IGNORECASE),
    "addict / addicts": re.compile(r"\baddicts?\b", re.IGNORECASE),
    "abuser / abusers": re.compile(r"\babusers?\b", re.IGNORECASE),
    "substance abuse": re.compile(r"\bsubstance\s+abuse\b", re.IGNORECASE),
    # People are people who drink or use drugs heavily, not "heavy users".
    "heavy drinkers / users (as labels of people)": re.compile(
        r"\bheavy\s+(drug\s+)?(drinkers|users)\b", re.IGNORECASE
    ),
}

# Proper names and quoted instrument items: taken out of the text before it is scanned.
ALLOWED = (
    "abstinent (clean)",  # the BAM's item 9, in the VA form's own words
    "Living Clean",  # NA's book "Living Clean", and meetings named after it
    "Sex Addicts Anonymous",
    "Sex and Love Addicts Anonymous",
    "Brief Addiction Monitor",
    "Substance Abuse and Mental Health Services Administration",
)

TRANSLATION_FUNCTIONS = {
    "_",
    "_lazy",
    "_noop",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
}


def problems_in(text: str) -> list[str]:
    """The banned words in ``text`` once the allowed names and quotations are taken out."""
    for allowed in ALLOWED:
        text = re.sub(re.escape(allowed), " ", text, flags=re.IGNORECASE)
    return [name for name, pattern in BANNED.items() if pattern.search(text)]


def translatable_strings(path: Path) -> list[tuple[int, str]]:
    """Every string literal passed to a translation function in a Python module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name not in TRANSLATION_FUNCTIONS:
            continue
        for argument in node.args:
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                found.append((node.lineno, argument.value))
    return found


def templates() -> list[Path]:
    return sorted(SRC.rglob("templates/**/*.html"))


def python_modules() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if "migrations" not in p.parts)


def test_the_scan_reads_every_template_and_many_translatable_strings():
    assert len(templates()) > 50
    assert sum(len(translatable_strings(p)) for p in python_modules()) > 500


@pytest.mark.parametrize(
    "text",
    [
        "Your clean time is 30 days",
        "a clean day",
        "stay clean",
        "dirty urine",
        "an addict",
        "addicts welcome",
        "substance abusers",
        "substance abuse treatment",
        "Heavy drinkers or users",
    ],
)
def test_the_scan_finds_each_banned_word(text):
    assert problems_in(text)


@pytest.mark.parametrize(
    "text",
    [
        "How confident are you in your ability to be completely abstinent (clean) from alcohol",
        "Living Clean book study",
        "Sex Addicts Anonymous",
        "Brief Addiction Monitor",
        "your recovery time, never assumed a day without use",
    ],
)
def test_proper_names_and_quoted_items_pass(text):
    assert problems_in(text) == []


def test_no_template_uses_stigmatising_words():
    found = {
        str(path.relative_to(SRC)): problems
        for path in templates()
        if (problems := problems_in(path.read_text(encoding="utf-8")))
    }
    assert found == {}


def test_no_translatable_string_uses_stigmatising_words():
    found = [
        f"{path.relative_to(SRC)}:{line}: {problems} in {text!r}"
        for path in python_modules()
        for line, text in translatable_strings(path)
        if (problems := problems_in(text))
    ]
    assert found == []
