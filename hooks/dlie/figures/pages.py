"""Figures in pages: every ``![alt](figure:qNN/name "caption")`` line of a rendered page becomes
the figure drawn in the page's language (pure functions over a memo).

Rendered SVGs are memoised in ``.cache/figures/`` keyed by the figure, the language and
:func:`dlie.figures.source_signature` (the figure module's source, the style and renderer code,
the shared formulas, matplotlib's and NumPy's versions), so matplotlib is not even imported on
a build where no figure changed.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

from dlie import markup
from dlie.figures import FigureError, keep_words, render, source_signature, svg_texts, untranslated
from dlie.figures.style import CleanSvg


@dataclass
class FigureStats:
    rendered: int = 0  # figures drawn by matplotlib in this build (cache misses)
    seconds: float = 0.0  # time spent drawing them
    placed: dict = field(default_factory=dict)  # (page stem, lang) -> [figure keys]


def cached_render(memo, key: str, lang: str, stats: FigureStats, docs=None, langs: tuple[str, ...] = ()) -> CleanSvg:
    def compute(_):
        t0 = time.perf_counter()
        fig = render(key, lang, docs, langs)
        stats.rendered += 1
        stats.seconds += time.perf_counter() - t0
        return json.dumps([fig.svg, fig.width, fig.height, fig.min_font])

    entry = f"{key}\t{lang}\t{','.join(langs)}\t{source_signature(key, docs)}"
    svg, width, height, min_font = json.loads(memo.get(entry, compute))
    return CleanSvg(svg, width, height, min_font)


def place_figures(
    html: str, src_uri: str, lang: str, memo, stats: FigureStats, keep: set[str] = frozenset(), docs=None, langs=()
) -> str:
    """``html`` with its figure lines replaced by figures; raises FigureError naming the page
    and the figure (unknown figure, a source that raises, no alt text or caption, a figure that
    is not alone in its paragraph, text in the wrong language)."""
    found = markup.find_figure_images(html)
    if not found:
        return html
    stem = src_uri.rsplit(".", 2)[0]
    placed = stats.placed.setdefault((stem, lang), [])
    out, pos = [], 0
    for start, end, attrs, alone in found:
        key = attrs["key"]
        where = f"{src_uri}: figure {key!r}"
        if key in placed:
            raise FigureError(f"{where}: placed twice on the page")
        if not alone:
            raise FigureError(f"{where}: a figure line must be a paragraph of its own (blank lines around it)")
        if not attrs["alt"].strip() or not attrs["caption"].strip():
            raise FigureError(f'{where}: needs alt text and a caption: ![alt text](figure:{key} "Caption")')
        try:
            fig = cached_render(memo, key, lang, stats, docs, tuple(langs))
            wrong = untranslated(svg_texts(fig.svg), lang, keep | keep_words(key))
        except FigureError as e:
            raise FigureError(f"{src_uri}: {e}") from None
        if wrong:
            raise FigureError(f"{where}: text in another language in the {lang} figure: {wrong}")
        placed.append(key)
        out += [html[pos:start], markup.figure_html(fig, key, attrs["alt"], attrs["caption"])]
        pos = end
    out.append(html[pos:])
    return "".join(out)


def language_gaps(placed: dict, codes: tuple[str, ...]) -> list[str]:
    """Pages whose languages do not show the same figures: (page stem, lang) -> keys."""
    stems = sorted({stem for stem, _ in placed})
    problems = []
    for stem in stems:
        per_lang = {lang: sorted(placed.get((stem, lang), [])) for lang in codes}
        reference = per_lang[codes[0]]
        for lang in codes[1:]:
            if per_lang[lang] != reference:
                missing = sorted(set(reference) ^ set(per_lang[lang]))
                problems.append(
                    f"{stem}.{lang}.md and {stem}.{codes[0]}.md place different figures ({', '.join(missing)})"
                )
    return problems
