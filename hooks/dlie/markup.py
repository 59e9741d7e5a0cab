"""Markup contracts between the build stages: each placeholder, marker or generated element has
one builder and one parser here, and every stage that writes or reads it uses them (pure functions).
"""

from __future__ import annotations

import html
import json
import math
import re

# ---- markers: generated page bodies --------------------------------------------------------
# A generated page is a Markdown file holding a marker comment that the build replaces.
CONCEPT_INDEX_SRC, CONCEPT_INDEX_MARKER = "concepts/index.", "<!-- concept-index -->"
CONCEPTS_JSON_MARKER = "<!-- concepts-json -->"  # a link to the site's concepts.json, from any page
STUDY_OVERVIEW_SRC, STUDY_OVERVIEW_MARKER = "study/index.", "<!-- study-overview -->"
STUDY_PATH_SRC, STUDY_PATH_MARKER = "study/path.", "<!-- study-path -->"
PRINT_SRC, PRINT_MARKER = "print/index.", "<!-- print-all -->"
# markers any page may hold (the home page shows the progress summary and a random question)
STUDY_SUMMARY_MARKER = "<!-- study-summary -->"
STUDY_TOOLS_MARKER = "<!-- study-tools -->"
STUDY_RANDOM_MARKER = "<!-- study-random -->"
# the layer calculator's page (dlie.calcpages) and the Anki deck's download link (dlie.anki)
CALCULATOR_SRC, CALCULATOR_MARKER = "tools/calculator.", "<!-- layer-calculator -->"
ANKI_MARKER = "<!-- anki-deck -->"  # left in the built page; `make anki` puts the link there


class MarkupError(ValueError):
    """A generated page without its marker, or a placed element that cannot be built."""


def fill_marker(text: str, marker: str, body: str, where: str) -> str:
    if marker not in text:
        raise MarkupError(f"{where}: this generated page must contain {marker}")
    return text.replace(marker, body)


# ---- section headings ----------------------------------------------------------------------
def heading_id(text: str) -> str:
    """The id Markdown gives a heading (pymdownx.slugs, lower case, as configured in mkdocs.yml)."""
    from pymdownx.slugs import slugify

    return slugify(case="lower")(text, "-")


H2_RE = re.compile(r'<h2(?: id="([^"]*)")?[^>]*>.*?</h2>', re.S)
REVEAL_BUTTON = '<button type="button" class="md-button study-reveal" hidden></button>'
ANSWER_OPEN, ANSWER_CLOSE = '<div class="study-answer">', "</div>"


def wrap_answers(output: str, answer_ids: list[str]) -> str:
    """The page with each answer section of its article (from an answer ``<h2>`` up to the next
    ``<h2>`` or the end of the article) in ``<div class="study-answer">``, preceded by the hidden
    button study.js uses to reveal it. The script gives the sections their ids: Material names a
    code block after its closest ancestor with an id, and all code blocks of a section would get
    the same one."""
    start, end = output.find("<article"), output.find("</article>")
    if start < 0 or end < start:
        return output
    article = output[start:end]
    heads = list(H2_RE.finditer(article))
    parts, pos = [], 0
    for i, h in enumerate(heads):
        if h.group(1) not in answer_ids:
            continue
        stop = heads[i + 1].start() if i + 1 < len(heads) else len(article)
        parts += [article[pos : h.end()], REVEAL_BUTTON + ANSWER_OPEN, article[h.end() : stop], ANSWER_CLOSE]
        pos = stop
    return output[:start] + "".join(parts) + article[pos:] + output[end:]


# ---- study controls (practice mode, progress) of a question page ---------------------------
# the block ends with its live region: the parser matches up to there
STUDY_STATUS = '<p class="study-status" role="status"></p>'
STUDY_CONTROLS_RE = re.compile(r'<div class="study-controls"[^>]*>.*?<p class="study-status"[^>]*></p></div>\n?', re.S)


def qid(seed: int) -> str:
    """A question's progress id (``localStorage`` key, export files): its number, two digits or more."""
    return f"{seed:02d}"


def json_attr(value) -> str:
    """``value`` as JSON for a double-quoted HTML attribute."""
    return html.escape(json.dumps(value, ensure_ascii=False, separators=(",", ":")), quote=True)


def study_controls(seed: int, labels: dict, practice: str, progress: str, states_html: str) -> str:
    """The hidden controls block study.js shows (parsed back by :data:`STUDY_CONTROLS_RE`)."""
    return (
        f'<div class="study-controls" hidden data-q="{qid(seed)}" data-labels="{json_attr(labels)}">'
        f'<label class="study-practice"><input type="checkbox" name="study-practice"> {practice}</label>'
        f'<fieldset class="study-progress"><legend>{progress}</legend>{states_html}</fieldset>{STUDY_STATUS}</div>'
    )


def drop_study_controls(content: str) -> str:
    return STUDY_CONTROLS_RE.sub("", content)


# ---- rendered formulas ---------------------------------------------------------------------
# KaTeX output lives in its own element: ``<katex-math class="math-inline|math-display">``
# (not "inline": Material styles .md-typeset .inline as a floated block).
MATH_ELEMENT_RE = re.compile(r'<katex-math class="math-(?:inline|display)"[^>]*>.*?</katex-math>', re.S)
MATH_TAG = "<katex-math"


def math_element(rendered: str, display: bool) -> str:
    kind = "math-display" if display else "math-inline"
    tab = ' tabindex="0"' if display else ""  # wide display math scrolls: keyboard-reachable
    return f'<katex-math class="{kind}"{tab}>{rendered}</katex-math>'


def has_math(content: str) -> bool:
    return MATH_TAG in content


# ---- search: what Material's indexer sees ---------------------------------------------------
# Interface the build generates (badges, study controls, concept and related-question blocks,
# progress summaries, generated lists) is wrapped in a pair of comments; while Material indexes a
# page, each such region, each code block and figure drawing is a placeholder holding no text,
# and each formula one holding its plain-text form (dlie.search.index_view). The placeholders are
# swapped back when the page is written.
SEARCH_OFF, SEARCH_ON = "<!-- search-off -->", "<!-- search-on -->"
SEARCH_OFF_RE = re.compile(r"<!-- search-off -->.*?<!-- search-on -->", re.S)
SEARCH_SKIP_RE = re.compile(r'<search-skip data-k="(\d+)">[^<]*</search-skip>')


def search_off(content: str, block: bool = False) -> str:
    """``content`` marked as interface: kept out of the search index. In Markdown (``block``)
    each comment is a block of its own (Python-Markdown moves a comment that shares a line);
    ``content`` is then one or more blocks too."""
    if block:
        return f"\n\n{SEARCH_OFF}\n\n{content.strip()}\n\n{SEARCH_ON}\n\n"
    return f"{SEARCH_OFF}{content}{SEARCH_ON}"


def search_skip(k: int, text: str = "") -> str:
    """Placeholder ``k`` of a fragment, holding the (plain) text the index gets for it."""
    return f'<search-skip data-k="{k}">{html.escape(text, quote=False)}</search-skip>'


# ---- figures -------------------------------------------------------------------------------
# A page places a figure with one Markdown image line whose address is ``figure:<key>``:
#     ![alt text for screen readers](figure:q06/stride "Caption shown under the figure")
# Python-Markdown turns it into <p><img …></p>; the figure stage replaces that paragraph.
FIGURE_SCHEME = "figure:"
FIGURE_P_RE = re.compile(r'<p>\s*(<img\b[^>]*\bsrc="figure:[^"]*"[^>]*>)\s*</p>')
FIGURE_IMG_RE = re.compile(r'<img\b[^>]*\bsrc="figure:[^"]*"[^>]*>')
ATTR_RE = re.compile(r'\b(src|alt|title)="([^"]*)"')


def find_figure_images(content: str) -> list[tuple[int, int, dict[str, str], bool]]:
    """Every ``figure:`` image in rendered page HTML: (start, end, {key, alt, caption}, alone),
    where ``alone`` says the image is the only thing in its paragraph (the span covers the <p>)."""
    out, taken = [], []
    for m in FIGURE_P_RE.finditer(content):
        out.append((m.start(), m.end(), _figure_attrs(m.group(1)), True))
        taken.append((m.start(), m.end()))
    for m in FIGURE_IMG_RE.finditer(content):
        if not any(s <= m.start() < e for s, e in taken):
            out.append((m.start(), m.end(), _figure_attrs(m.group(0)), False))
    return sorted(out, key=lambda x: x[0])


def _figure_attrs(tag: str) -> dict[str, str]:
    attrs = {k: html.unescape(v) for k, v in ATTR_RE.findall(tag)}
    return {
        "key": attrs.get("src", "")[len(FIGURE_SCHEME) :],
        "alt": attrs.get("alt", ""),
        "caption": attrs.get("title", ""),
    }


SCROLL_FROM_PX = 343


def figure_html(fig, key: str, alt: str, caption: str) -> str:
    """A rendered figure (``dlie.figures.style.CleanSvg``) as ``<figure>``: the SVG with its alt
    text as the accessible name, in a box that scrolls sideways when the page is narrower than
    the width at which its smallest text is still 11 px, and the caption under it."""
    from dlie.figures.style import MIN_FONT_PX

    min_width = math.ceil(fig.width * MIN_FONT_PX / fig.min_font)  # never a rendered font under 11 px
    svg = fig.svg.replace(
        ' class="fig-svg"',
        f' class="fig-svg" role="img" aria-label="{html.escape(alt)}" width="{fig.width:g}" height="{fig.height:g}"'
        f' style="max-width:{fig.width:g}px;min-width:{min(min_width, fig.width):g}px"',
        1,
    )
    ident = "fig-" + key.replace("/", "-")
    # keyboard-reachable where it scrolls on a common phone (its content column is ~343 px at 375 px);
    # a figure that fits there gets no tab stop
    tab = ' tabindex="0"' if min_width > SCROLL_FROM_PX else ""
    return (
        f'<figure class="fig" id="{ident}"><div class="fig-scroll"{tab}>{svg}</div>'
        f"<figcaption>{html.escape(caption, quote=False)}</figcaption></figure>"
    )


FIGURE_ELEMENT_RE = re.compile(r'<figure class="fig" id="fig-([^"]+)">.*?</figure>', re.S)


def find_figures(content: str) -> list[str]:
    """Ids (``q06-stride``) of the rendered figures in page HTML, in order."""
    return FIGURE_ELEMENT_RE.findall(content)


# ---- the layer calculator (dlie.calcpages; docs/assets/javascripts/calculator.js) -----------------
# Its stylesheet and scripts are loaded by the widget itself, so only this page pays for them.
CALCULATOR_RE = re.compile(
    r'<div class="calc" data-lang="([^"]*)" data-default="([^"]*)" data-strings="([^"]*)">', re.S
)
CALCULATOR_ASSETS = (
    "assets/stylesheets/calculator.css",
    "assets/javascripts/layercalc.js",
    "assets/javascripts/calculator.js",
)


def calculator_widget(lang: str, default_query: str, strings: dict, urls: list[str], nojs: str) -> str:
    """The calculator's element (filled by calculator.js: its strings and the stack shown when
    the URL has none ride along as attributes), after its stylesheet and before its scripts;
    ``urls`` are :data:`CALCULATOR_ASSETS` relative to the page."""
    css, *scripts = urls
    tags = "".join(f'<script src="{html.escape(u)}" defer></script>' for u in scripts)
    return (
        f'<div class="calc-page"><link rel="stylesheet" href="{html.escape(css)}">'
        f'<div class="calc" data-lang="{html.escape(lang)}" data-default="{html.escape(default_query)}" '
        f'data-strings="{json_attr(strings)}"><noscript><p>{html.escape(nojs)}</p></noscript></div>{tags}</div>'
    )


def parse_calculator(content: str) -> dict | None:
    """{lang, default, strings} of the calculator element in page HTML, or None."""
    m = CALCULATOR_RE.search(content)
    if not m:
        return None
    return {
        "lang": html.unescape(m.group(1)),
        "default": html.unescape(m.group(2)),
        "strings": json.loads(html.unescape(m.group(3))),
    }


# ---- the Anki deck's download link (dlie.anki, run by `make anki` on the built site) -------------
ANKI_LINK_RE = re.compile(r'<p class="anki-deck"><a class="md-button" href="([^"]+)" download>([^<]*)</a> ([^<]*)</p>')


def anki_link(href: str, label: str, note: str) -> str:
    return (
        f'<p class="anki-deck"><a class="md-button" href="{html.escape(href)}" download>{html.escape(label)}</a> '
        f"{html.escape(note, quote=False)}</p>"
    )


def parse_anki_link(content: str) -> tuple[str, str, str] | None:
    """(href, label, note) of the deck link in page HTML, or None."""
    m = ANKI_LINK_RE.search(content)
    return tuple(html.unescape(x) for x in m.groups()) if m else None
