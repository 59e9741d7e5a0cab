"""Checks shared by the per-question figure tests: where a figure line sits on a page and what
its alt text may state (pure functions; each test file plants its own faults against them)."""

from __future__ import annotations

import re
from pathlib import Path

from dlie.diskmemo import DiskMemo
from dlie.figures.pages import FigureStats, cached_render

LANGS = ("zh", "en")
ROOT = Path(__file__).resolve().parent.parent
# The figures the build drew (its memo, keyed by each figure's source signature): read, never
# written here. A figure the build has not drawn from its current source is drawn again, so an
# answer never comes from older code; a test that plants a fault by patching a module at run
# time calls dlie.figures.render itself (the memo cannot see a patch).
BUILD_FIGURES = DiskMemo(ROOT / ".cache" / "figures" / "svg.json", "svg")


def built(key: str, lang: str):
    """The figure as the build drew it (see BUILD_FIGURES)."""
    return cached_render(BUILD_FIGURES, key, lang, FigureStats(), langs=LANGS)


PHONE_PX = 342  # a figure whose width × 11 / smallest font exceeds this scrolls on a 375 px phone
MIN_FONT = 12  # no text under 12 px
MAX_SVG_BYTES = 25_000
FIGURE_LINE_RE = re.compile(r'^!\[(?P<alt>[^\]]+)\]\(figure:(?P<key>[^ )]+) "(?P<caption>[^"]+)"\)$')
DETAIL = {"zh": ("## 详解", "## 代码"), "en": ("## In depth", "## Code")}
DECIMAL_RE = re.compile(r"−?\d+\.\d+")


def placement_problems(text: str, key: str, lang: str, shown: set[str]) -> list[str]:
    """Once, as a paragraph of its own inside the detailed section, alt text and caption in the
    page's language, every decimal of the alt text shown by the figure (``shown``)."""
    lines = text.split("\n")
    where = [i for i, line in enumerate(lines) if f"(figure:{key} " in line]
    if len(where) != 1:
        return [f"{key} placed {len(where)} times"]
    i = where[0]
    m = FIGURE_LINE_RE.match(lines[i])
    if not m or m["key"] != key:
        return [f'{key}: not a ![alt](figure:key "caption") line']
    problems = []
    if not (lines[i - 1] == "" and i + 1 < len(lines) and lines[i + 1] == ""):
        problems.append(f"{key}: not a paragraph of its own")
    start, end = (next(j for j, line in enumerate(lines) if line.startswith(h)) for h in DETAIL[lang])
    if not start < i < end:
        problems.append(f"{key}: outside the {DETAIL[lang][0]} section")
    if bool(re.search(r"[\u4e00-\u9fff]", m["alt"] + m["caption"])) != (lang == "zh"):
        problems.append(f"{key}: alt text or caption not in {lang}")
    missing = [x for x in DECIMAL_RE.findall(m["alt"]) if x not in shown]
    if missing:
        problems.append(f"{key}: alt text states {missing}, not in the figure")
    return problems
