"""Plain text out of what feeds put in free-text fields.

Feeds put HTML in notes (WordPress editors), entities in names, and stray whitespace everywhere.
Meeting pages render text escaped, so the importer turns all of it into plain text once, keeping
the line breaks a person typed.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from typing import Final

# Tags after which a person reading the page would see a new line.
_BLOCK_TAGS: Final = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "td",
        "th",
        "tr",
        "ul",
    ]
)
# Block tags that separate paragraphs: a blank line between them, as a reader would see.
_PARAGRAPH_TAGS: Final = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"})
_INVISIBLE_TAGS: Final = frozenset({"script", "style", "head", "title", "template", "noscript"})
_SPACES = re.compile(r"[^\S\n]+")  # whitespace except newlines
# C0 controls other than tab and newlines, and DEL: invisible, and they break exports.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WHITESPACE = re.compile(r"\s+")
_BLANK_LINES = re.compile(r"\n{3,}")
_LOOKS_LIKE_HTML = re.compile(r"<[a-zA-Z/!]")
# What a terminal would obey rather than show: C0 and C1 controls (ANSI escapes start with ESC)
# and the bidirectional overrides that make text read differently from what it is.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def _break(self, lines: int) -> None:
        # Adjacent block boundaries ("</li><li>") make one break, not one per tag.
        trailing = 0
        for part in reversed(self.parts):
            stripped = part.rstrip(" ")
            trailing += len(stripped) - len(stripped.rstrip("\n"))
            if stripped.strip("\n"):
                break
        if not self.parts:
            return
        self.parts.append("\n" * max(0, lines - trailing))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _INVISIBLE_TAGS:
            self._hidden += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _PARAGRAPH_TAGS:
            self._break(2)
        elif tag in _BLOCK_TAGS:
            self._break(1)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in _INVISIBLE_TAGS:
            self._hidden = max(0, self._hidden - 1)

    def handle_endtag(self, tag: str) -> None:
        if tag in _INVISIBLE_TAGS:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _PARAGRAPH_TAGS:
            self._break(2)
        elif tag in _BLOCK_TAGS and tag != "br":
            self._break(1)

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            # Source newlines inside HTML are layout, not content: the tags carry the breaks.
            self.parts.append(data.replace("\r", " ").replace("\n", " "))


def normalise_whitespace(value: str) -> str:
    """One line: every run of whitespace (newlines included) becomes one space; ends trimmed;
    control characters dropped."""
    return _WHITESPACE.sub(" ", _CONTROL.sub("", value)).strip()


def normalise_lines(value: str) -> str:
    """Keep line breaks, collapse spaces within each line, trim each line, and allow at most
    one blank line in a row. Control characters are dropped."""
    value = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    if "\n" not in value:
        return _SPACES.sub(" ", value).strip()
    lines = [_SPACES.sub(" ", line).strip() for line in value.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def strip_html(value: str) -> str:
    """HTML (or plain text with entities) to plain text: tags dropped, block tags and ``<br>``
    become line breaks, entities unescaped, script and style content dropped, whitespace
    normalised with ``normalise_lines``."""
    if "<" not in value or not _LOOKS_LIKE_HTML.search(value):
        # Plain text, the common case: "a < b" is not a tag, but "&amp;" still gets unescaped.
        return normalise_lines(unescape(value) if "&" in value else value)
    collector = _TextCollector()
    collector.feed(value)
    collector.close()
    return normalise_lines("".join(collector.parts))


def single_line(value: str) -> str:
    """Plain text on one line, for names and addresses: HTML dropped, whitespace collapsed."""
    if "<" in value or "&" in value:
        value = strip_html(value)
    return normalise_whitespace(value)


def printable(value: str) -> str:
    """Text from outside (a feed) made safe to write to a terminal on one line: control
    characters, ANSI escapes and direction overrides are shown as escapes ("\\x1b"), never
    obeyed."""
    return _UNPRINTABLE.sub(lambda match: match.group().encode("unicode_escape").decode(), value)
