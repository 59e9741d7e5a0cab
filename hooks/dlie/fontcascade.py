"""Which KaTeX font file each character of a rendered formula is drawn with, by KaTeX's own CSS.

KaTeX picks a font per span by class: ``.mathnormal`` is KaTeX_Math italic, ``.mathbf`` KaTeX_Main
bold, ``.delimsizing.size2`` KaTeX_Size2, ``.op-symbol.small-op`` KaTeX_Size1, and so on. A browser
downloads a KaTeX font when it lays out text in it (the fonts have no unicode-range), so the fonts a
page draws with are exactly the fonts its formulas' text nodes resolve to. This module resolves
them as the browser does: for each element, the font-family, font-weight and font-style of the
most specific matching rule of KaTeX's stylesheet (the later one on a tie), else the parent's; for
each family, the face of the ``@font-face`` rules that CSS font matching picks for that weight
and style. :func:`faces_drawn` is checked against the fonts a browser actually requests on every
page (tests/test_browser.py), so what the build preloads is what the page draws.

KaTeX's selectors are ``.katex`` plus class compounds, with descendant and child combinators;
on KaTeX's markup telling the two combinators apart changes nothing, so both read as "ancestor".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

RULE_RE = re.compile(r"([^{}]+)\{([^{}]*)\}")
FACE_RE = re.compile(r"@font-face\s*\{([^{}]*)\}")
PROPS = ("family", "weight", "style")
ROOT_FONT = ("Main", "normal", "normal")  # .katex { font: normal 1.21em KaTeX_Main, ... }


@dataclass(frozen=True)
class Rule:
    """One selector of KaTeX's CSS that sets a font property."""

    subject: frozenset[str]  # classes the element itself carries
    tag: str | None  # the element's name, if the selector names one (``.delim-size1>span``)
    context: frozenset[str]  # classes its ancestors carry
    rank: tuple[int, int, int]  # specificity (classes, elements), then order in the stylesheet
    values: tuple[str | None, str | None, str | None]  # family, weight, style (None: not set)


def _values(body: str) -> tuple[str | None, str | None, str | None]:
    family = re.search(r"font-family:\s*KaTeX_([A-Za-z0-9]+)", body)
    weight = re.search(r"font-weight:\s*([a-z0-9]+)", body)
    style = re.search(r"font-style:\s*([a-z]+)", body)
    w = weight and ("bold" if weight.group(1) in ("bold", "bolder", "600", "700", "800", "900") else "normal")
    return (family and family.group(1), w or None, style and style.group(1))


def parse_rules(css: str) -> list[Rule]:
    """The rules of KaTeX's stylesheet that set font-family (a KaTeX font), -weight or -style,
    one per selector, below ``.katex`` (whose own font is :data:`ROOT_FONT`)."""
    rules = []
    for order, m in enumerate(RULE_RE.finditer(FACE_RE.sub("", css))):
        selectors, body = m.group(1), m.group(2)
        values = _values(body)
        if "@" in selectors or values == (None, None, None):
            continue
        for selector in selectors.split(","):
            parts = re.split(r"\s*>\s*|\s+", selector.strip())
            if parts[0] != ".katex" or len(parts) < 2:
                continue  # .katex itself, or a rule outside KaTeX's markup
            tag, *classes = parts[-1].split(".")
            context = {c for p in parts[1:-1] for c in p.split(".") if c}
            n_classes = 1 + len(context) + len(classes)
            rules.append(
                Rule(frozenset(classes), tag or None, frozenset(context), (n_classes, int(bool(tag)), order), values)
            )
    return rules


def parse_faces(css: str) -> dict[str, dict[tuple[str, str], str]]:
    """For each KaTeX family, its faces: (weight, style) → file stem (``KaTeX_Main-Bold``)."""
    faces: dict[str, dict[tuple[str, str], str]] = {}
    for m in FACE_RE.finditer(css):
        body = m.group(1)
        family = re.search(r"font-family:\s*KaTeX_([A-Za-z0-9]+)", body)
        src = re.search(r"url\([\"']?(?:[^)\"']*/)?(KaTeX_[A-Za-z0-9-]+)\.woff2", body)
        if family and src:
            weight, style = _values(body)[1:]
            faces.setdefault(family.group(1), {})[(weight or "normal", style or "normal")] = src.group(1)
    return faces


def match_face(faces: dict[tuple[str, str], str], weight: str, style: str) -> str:
    """CSS font matching among one family's faces: the style first (italic falls back to normal
    and normal to italic), then the weight (bold to the heaviest there is, normal to the lightest)."""
    styles = [s for s in (style, "italic" if style == "normal" else "normal") if any(k[1] == s for k in faces)]
    candidates = {k: v for k, v in faces.items() if k[1] == styles[0]}
    for w in (weight, "normal" if weight == "bold" else "bold"):
        if (w, styles[0]) in candidates:
            return candidates[(w, styles[0])]
    raise ValueError(f"no face in {faces}")  # pragma: no cover (every face is normal or bold)


class _Resolver(HTMLParser):
    def __init__(self, rules: list[Rule], start: tuple[str, str, str], context: set[str]):
        super().__init__(convert_charrefs=True)
        self.rules = rules
        self.stack: list[tuple[frozenset[str], tuple[str, str, str]]] = [(frozenset(context), start)]
        self.drawn: set[tuple[str, str, str]] = set()

    def handle_starttag(self, tag, attrs):
        classes = frozenset((dict(attrs).get("class") or "").split())
        ancestors, inherited = self.stack[-1]
        font = list(inherited)
        best = [(-1, -1, -1)] * len(PROPS)
        for rule in self.rules:
            if rule.subject <= classes and rule.tag in (None, tag) and rule.context <= ancestors:
                for i, value in enumerate(rule.values):
                    if value is not None and rule.rank > best[i]:
                        best[i], font[i] = rule.rank, value
        self.stack.append((ancestors | classes, tuple(font)))

    def handle_endtag(self, tag):
        if len(self.stack) > 1:
            self.stack.pop()

    def handle_data(self, data):
        if data.strip():
            self.drawn.add(self.stack[-1][1])


Font = tuple[str, str, str]  # family, weight, style


def fonts_of(markup: str, rules: list[Rule], start: Font = ROOT_FONT, context=frozenset({"katex"})) -> set[Font]:
    """The (family, weight, style) of every non-blank text node in ``markup``, a fragment of a
    formula's drawing (inside ``.katex``, whose font is ``start``)."""
    parser = _Resolver(rules, start, set(context))
    parser.feed(markup)
    parser.close()
    return parser.drawn


def face_names(fonts: set[tuple[str, str, str]], faces: dict[str, dict[tuple[str, str], str]]) -> set[str]:
    """The font files (``KaTeX_Size2-Regular``) that draw these (family, weight, style)s."""
    return {match_face(faces[family], weight, style) for family, weight, style in fonts}
