"""The 30-second answer of a question page: finding it and measuring how long it takes to say
(pure functions). The content guide's limit: 180 Chinese characters or 90 English words.

Length is counted on what a reader says aloud: Markdown markup and link targets are dropped; a
formula counts by its symbols (TeX commands such as ``\\frac`` or ``\\lfloor`` count as one symbol
each, braces and spaces as none). Chinese counts every remaining non-space character (a Latin word
or a number counts as one); English counts words (a formula counts as one word per 4 symbols,
rounded up).
"""

from __future__ import annotations

import math
import re

HEADINGS = {"zh": "一句话答案", "en": "30-second answer"}
LIMITS = {"zh": 180, "en": 90}
UNIT = {"zh": "characters", "en": "words"}

H2_RE = re.compile(r"^## +(.+?)\s*(?:\{[^}]*\})?\s*$", re.M)
MATH_RE = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$", re.S)
LINK_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
TEX_TOKEN_RE = re.compile(r"\\[A-Za-z]+|[A-Za-z0-9]|[^\sA-Za-z0-9{}\\]")
LATIN_RUN_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.'’_-]*")


def section(markdown: str, lang: str) -> str | None:
    """The body of the page's 30-second-answer section (up to the next ``## ``), or None."""
    heads = list(H2_RE.finditer(markdown))
    for i, h in enumerate(heads):
        if h.group(1).strip() == HEADINGS[lang]:
            end = heads[i + 1].start() if i + 1 < len(heads) else len(markdown)
            return markdown[h.end() : end].strip()
    return None


def formula_symbols(tex: str) -> int:
    return len(TEX_TOKEN_RE.findall(tex))


def spoken_length(text: str, lang: str) -> int:
    """Characters (zh) or words (en) a reader says for ``text`` (Markdown)."""
    symbols: list[int] = []

    def formula(m):
        symbols.append(formula_symbols(m.group(1) or m.group(2)))
        return " \x00 "

    text = MATH_RE.sub(formula, text)
    text = LINK_RE.sub(r"\1", text)
    text = re.sub(r"[*_`>#|]", " ", text)
    if lang.startswith("zh"):
        text = LATIN_RUN_RE.sub("a", text)  # a Latin word or number: one unit
        plain = len(re.sub(r"[\s\x00]", "", text))
        return plain + sum(symbols)
    words = [w for w in text.split() if w != "\x00" and re.search(r"\w", w)]
    return len(words) + sum(math.ceil(n / 4) for n in symbols)


def too_long(markdown: str, lang: str) -> str | None:
    """A message if the page's 30-second answer is missing or over the limit, else None."""
    body = section(markdown, lang)
    if body is None:
        return f"no '## {HEADINGS[lang]}' section"
    n = spoken_length(body, lang)
    if n > LIMITS[lang]:
        return f"the 30-second answer has {n} {UNIT[lang]} (limit {LIMITS[lang]})"
    return None
