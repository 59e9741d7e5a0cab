"""The study path figure (site/study-path): it draws the plan the study path page lists. Its nodes,
rows and arrows are read back from the SVG (marker centres, number labels, the sub-paths of the
one path that draws every arrow) and compared with ``studyplan``; planted faults (a new
prerequisite in a copy of the glossary, a backward arrow, a plan whose order is wrong, a size too
small) show that each check can fail."""

from __future__ import annotations

import dataclasses
import functools
import re
import shutil

import lxml.html
import pytest
import yaml

from conftest import N_QUESTIONS, ROOT
from dlie import figures, studyplan
from dlie.figures import FigureError, keep_words, render, site, svg_texts, untranslated

KEY = "site/study-path"
LANGS = ("zh", "en")
DOCS = ROOT / "docs"


@functools.cache
def svg(lang: str = "en") -> str:
    return render(KEY, lang).svg


PLAN_FROM_DOCS = studyplan.plan_from_docs  # not a planted-fault test's patch of it


@functools.cache
def real_path() -> studyplan.StudyPath:
    """The site's plan, cached per test process: taken from the unpatched function, since a test
    may first call it while ``plan_from_docs`` is monkeypatched (tests run in any order)."""
    return PLAN_FROM_DOCS(DOCS)


def seeds(path: studyplan.StudyPath) -> dict[str, int]:
    return {s: p.seed for s, p in path.plan.profiles.items()}


def prerequisite_pairs(path: studyplan.StudyPath) -> set[tuple[int, int]]:
    """(prerequisite, question) numbers of every direct prerequisite: what the arrows must be."""
    n = seeds(path)
    return {(n[p], n[q]) for q, deps in path.prereqs.items() for p in deps}


# ---- reading the drawing back ------------------------------------------------------------------
LEVEL_RE = re.compile(r'<g class="fact-level-([a-z0-9-]+)">(.*?)</g></g>', re.S)
USE_RE = re.compile(r'<use [^>]*?x="([-\d.]+)" y="([-\d.]+)"')
LABEL_RE = re.compile(r'<g class="fact-node"><text [^>]*?x="([-\d.]+)" y="([-\d.]+)"[^>]*>(\d+)</text></g>')
NUMBER_RE = re.compile(r"-?\d+(?:\.\d+)?")


@dataclasses.dataclass(frozen=True)
class Node:
    number: int
    x: float
    y: float  # SVG coordinates: y grows downwards
    level: str


def drawn_nodes(svg_text: str) -> list[Node]:
    """Every question node: a marker of a ``fact-level-<level>`` group, numbered by the
    ``fact-node`` label drawn on it. Raises if a marker has no label or a label no marker."""
    labels = [(float(x), float(y), int(n)) for x, y, n in LABEL_RE.findall(svg_text)]
    nodes, used = [], set()
    for level, body in LEVEL_RE.findall(svg_text):
        for x, y in USE_RE.findall(body):
            cx, cy = float(x), float(y)
            (i,) = [i for i, (lx, ly, _) in enumerate(labels) if abs(lx - cx) < 1 and abs(ly - cy) < 8]
            used.add(i)
            nodes.append(Node(labels[i][2], cx, cy, level))
    assert used == set(range(len(labels))), "a number label drawn on no node"
    return nodes


def rows(nodes: list[Node]) -> list[list[int]]:
    """The node numbers row by row from the top, each row left to right (the reading order)."""
    ys = sorted({round(n.y, 1) for n in nodes})
    return [[n.number for n in sorted((n for n in nodes if round(n.y, 1) == y), key=lambda n: n.x)] for y in ys]


def subpaths(svg_text: str, gid: str) -> list[list[tuple[float, float]]]:
    """The points of each sub-path of the path carrying ``gid`` (control points included)."""
    (d,) = re.findall(rf'<g class="{gid}"><path d="([^"]+)"', svg_text)
    out = []
    for part in re.split(r"(?=M )", d.strip()):
        values = [float(v) for v in NUMBER_RE.findall(part)]
        if values:
            out.append(list(zip(values[::2], values[1::2], strict=True)))
    return out


def drawn_edges(svg_text: str) -> list[tuple[int, int]]:
    """(from, to) node numbers of every arrow: the nodes nearest the two ends of its line (each
    within a head's length of the node's edge)."""
    nodes = drawn_nodes(svg_text)

    def nearest(point):
        dist, node = min((((n.x - point[0]) ** 2 + (n.y - point[1]) ** 2) ** 0.5, n.number) for n in nodes)
        assert dist < site.R + site.HEAD_L + 3, f"an arrow ends {dist:.0f} px from the nearest node"
        return node

    return [(nearest(points[0]), nearest(points[-1])) for points in subpaths(svg_text, "fact-edges")]


def backward_arrows(svg_text: str) -> list[tuple[int, int]]:
    """Arrows that do not point forward in the drawing's reading order (rows from the top,
    each from left to right)."""
    order = [n for row in rows(drawn_nodes(svg_text)) for n in row]
    return [(a, b) for a, b in drawn_edges(svg_text) if order.index(a) >= order.index(b)]


# ---- the figure --------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_renders_in_both_languages_without_untranslated_text(lang):
    fig = render(KEY, lang)
    texts = svg_texts(fig.svg)
    assert untranslated(texts, lang, keep_words(KEY)) == []
    assert fig.min_font >= 12, f"{fig.min_font}px text"
    assert len(fig.svg.encode()) < 40_000, f"SVG of {len(fig.svg.encode())} bytes"
    path = real_path()
    heads = [t for t in texts if re.fullmatch(r"Session \d+|第 \d+ 次学习", t)]
    assert len(heads) == len(path.sessions)
    for topics in path.topics:  # every session names its topics in the page's language
        for cid in topics:
            assert path.plan.glossary.concepts[cid].names[lang] in texts
    for level in path.plan.glossary.levels.values():  # the legend: the glossary's level names
        assert level[lang] in texts


@pytest.mark.parametrize("lang", LANGS)
def test_nodes_are_the_questions_in_a_row_per_session(lang):
    path, nodes = real_path(), drawn_nodes(svg(lang))
    n = seeds(path)
    assert len(nodes) == len(path.plan.profiles) == N_QUESTIONS
    assert sorted(node.number for node in nodes) == sorted(n.values())
    assert rows(nodes) == [[n[s] for s in session] for session in path.sessions]
    for node in nodes:
        (slug,) = [s for s, seed in n.items() if seed == node.number]
        assert node.level == path.plan.difficulty[slug], f"question {node.number} drawn as {node.level}"


@pytest.mark.parametrize("lang", LANGS)
def test_arrows_are_the_direct_prerequisites(lang):
    path = real_path()
    edges = drawn_edges(svg(lang))
    expected = prerequisite_pairs(path)
    assert len(edges) == sum(len(d) for d in path.prereqs.values()) == len(expected)
    assert set(edges) == expected
    assert len(subpaths(svg(lang), "fact-heads")) == len(edges), "one head per arrow"
    assert svg(lang).count('class="fact-edges"') == 1, "all the arrows are one path"


@pytest.mark.parametrize("lang", LANGS)
def test_every_arrow_goes_forward(lang):
    assert backward_arrows(svg(lang)) == []
    pos = {s: i for i, s in enumerate(real_path().order)}
    assert all(pos[p] < pos[q] for q, deps in real_path().prereqs.items() for p in deps)


def test_the_read_back_follows_the_drawing(monkeypatch):
    """Planted fault: the figure loses one arrow; the arrows read back lose exactly that one (the
    count comes from the drawing, not from the plan)."""
    real = site.edge_routes

    def one_less(*args):
        routes = real(*args)
        routes.pop(next(iter(routes)))
        return routes

    monkeypatch.setattr(site, "edge_routes", one_less)
    edges = drawn_edges(render(KEY, "en").svg)
    missing = prerequisite_pairs(real_path()) - set(edges)
    assert len(edges) == len(prerequisite_pairs(real_path())) - 1 and len(missing) == 1


def test_the_forward_check_catches_a_backward_arrow():
    """Planted fault: one arrow's line redrawn from its end to its start."""
    s = svg("en")
    (d,) = re.findall(r'<g class="fact-edges"><path d="([^"]+)"', s)
    first, *rest = [part for part in re.split(r"(?=M )", d.strip()) if part]
    pts = [float(v) for v in NUMBER_RE.findall(first)]
    flipped = f"M {pts[-2]} {pts[-1]} L {pts[0]} {pts[1]} "
    a, b = drawn_edges(s)[0]
    assert backward_arrows(s.replace(d, flipped + "".join(rest))) == [(b, a)]


def test_the_figure_refuses_a_plan_whose_order_breaks_a_prerequisite(monkeypatch):
    """Planted fault: a plan whose order puts a question before one it builds on."""
    real = studyplan.plan_from_docs

    def swapped(docs, langs=None):
        path = real(docs)
        first, second = path.order[0], next(s for s in path.order if path.order[0] in path.prereqs[s])
        order = [second if s == first else first if s == second else s for s in path.order]
        return dataclasses.replace(path, order=order)

    monkeypatch.setattr(studyplan, "plan_from_docs", swapped)
    n = seeds(real_path())
    first = real_path().order[0]
    later = next(s for s in real_path().order if first in real_path().prereqs[s])
    with pytest.raises(FigureError, match=rf"question {n[later]} builds on {n[first]}, which comes later"):
        render(KEY, "en")


def docs_copy(tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(DOCS / "questions", docs / "questions")
    shutil.copytree(DOCS / "ui", docs / "ui")
    shutil.copy(DOCS / "concepts.yml", docs / "concepts.yml")
    return docs


def test_a_planted_prerequisite_adds_an_arrow(tmp_path, monkeypatch):
    """Planted fault: in a copy of the glossary, the convolutional neural network (question 2)
    also requires activation functions (question 26): the figure gains exactly that arrow, and
    loses only the arrows it makes redundant (a question reached from 26 through 2 already)."""
    docs = docs_copy(tmp_path)
    raw = yaml.safe_load((docs / "concepts.yml").read_text(encoding="utf-8"))
    (cnn,) = [c for c in raw["concepts"] if c["id"] == "convolutional-neural-network"]
    cnn["requires"].append("activation-function")
    (docs / "concepts.yml").write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    planted = studyplan.plan_from_docs(docs)
    before, after = prerequisite_pairs(real_path()), prerequisite_pairs(planted)
    assert after - before == {(26, 2)}
    reach = reachable(after)
    assert all((26, q) in before and (2, q) in reach for p, q in before - after), before - after
    edges = drawn_edges(render(KEY, "en", docs=docs).svg)  # drawn from the build's docs
    assert len(edges) == len(after) and set(edges) == after


def reachable(pairs: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """The transitive closure of the arrows: (a, b) when b can be reached from a."""
    closure = set(pairs)
    while True:
        more = {(a, d) for a, b in closure for c, d in closure if b == c} - closure
        if not more:
            return closure
        closure |= more


def test_editing_the_glossary_or_a_question_redraws_the_figure(tmp_path, monkeypatch):
    """The figure's cache key covers what it is drawn from: the glossary, the questions' front
    matter and the UI strings."""
    docs = docs_copy(tmp_path)
    monkeypatch.setattr(figures, "DOCS", docs)
    signature = figures.source_signature(KEY)
    for name in ("concepts.yml", "questions/14-multi-task-learning.en.md", "ui/en.yml"):
        path = docs / name
        path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        assert figures.source_signature(KEY) != signature, f"editing {name} keeps the cached figure"
        signature = figures.source_signature(KEY)


def test_the_figure_grows_to_hold_the_sessions(monkeypatch):
    """Registered too small for the plan (as when questions are added), the figure grows to give
    every session and question its room instead of overlapping them."""
    spec = figures.spec(KEY)
    monkeypatch.setitem(figures.REGISTRY, KEY, dataclasses.replace(spec, size=(9.4, 3.0)))
    svg = render(KEY, "en").svg
    height = float(re.search(r'viewBox="0 0 [\d.]+ ([\d.]+)"', svg).group(1))
    sessions = len(real_path().sessions)
    assert height >= site.LEGEND + 4 + sessions * site.MIN_BAND > 3.0 * 72


# ---- the figure on the study path pages --------------------------------------------------------
FIGURE_LINE_RE = re.compile(r'^!\[([^\]]+)\]\(figure:site/study-path "([^"]+)"\)$', re.M)
CHAIN_RE = re.compile(r"\d+(?: → \d+)+")
STATED = {
    "zh": {
        "count": r"(\d+) 道题分成 (\d+) 次学习",
        "start": r"第 (\d+) 题是路径的起点，其余各题都直接或间接以它为基础",
        "branch": r"(\d+) 还通向 ([\d、和 ]+)",
    },
    "en": {
        "count": r"(\d+) questions in (\d+) sessions",
        "start": r"Question (\d+) starts the path, and every other question builds on it directly or indirectly",
        "branch": r"with (\d+) also leading to ([\d, and]+)",
    },
}


def alt_text_problems(alt: str, lang: str) -> list[str]:
    """What the alt text states that the figure does not show: the number of questions and
    sessions, the first question (which every other builds on), and chains and branches whose
    every step must be an arrow."""
    path, n, stated, problems = real_path(), seeds(real_path()), STATED[lang], []
    m = re.search(stated["count"], alt)  # counts, chains and branches are checked when stated
    if m and tuple(map(int, m.groups())) != (len(path.order), len(path.sessions)):
        problems.append(f"count: {m and m.group(0)}, not {len(path.order)} questions in {len(path.sessions)} sessions")
    m = re.search(stated["start"], alt)
    first = path.order[0]
    if not m or int(m.group(1)) != n[first]:
        problems.append(f"start: {m and m.group(0)}, not question {n[first]}")
    if studyplan.dependents(path.plan.prerequisites)[first] != set(path.order[1:]):
        problems.append(f"not every question builds on question {n[first]}")
    edges = prerequisite_pairs(path)
    chains = CHAIN_RE.findall(alt)
    for chain in chains:
        steps = [int(x) for x in chain.split(" → ")]
        missing = [(a, b) for a, b in zip(steps, steps[1:], strict=False) if (a, b) not in edges]
        if missing:
            problems.append(f"chain {chain}: no arrow {missing}")
    m = re.search(stated["branch"], alt)
    branch = {(int(m.group(1)), int(t)) for t in re.findall(r"\d+", m.group(2))} if m else set()
    if m and not branch <= edges:
        problems.append(f"branch: {m and m.group(0)}")
    return problems


def placed(lang: str) -> tuple[str, str, list[str]]:
    """The study path page's figure line: (alt, caption, the paragraphs around it)."""
    text = (DOCS / "study" / f"path.{lang}.md").read_text(encoding="utf-8")
    ((alt, caption),) = FIGURE_LINE_RE.findall(text)
    blocks = text.split("\n\n")
    i = next(i for i, b in enumerate(blocks) if "figure:site/study-path" in b)
    return alt, caption, blocks[i - 1 : i + 2]


@pytest.mark.parametrize("lang", LANGS)
def test_the_study_path_page_places_the_figure_after_its_introduction(lang):
    """One figure line, a paragraph of its own right after the introduction, alt text and
    caption in the page's language; the alt text states only what the figure shows."""
    alt, caption, (before, line, _) = placed(lang)
    assert before.startswith(("这个顺序", "This order")) and "\n" not in line
    assert caption.strip() and bool(re.search(r"[\u4e00-\u9fff]", alt + caption)) == (lang == "zh")
    assert alt_text_problems(alt, lang) == []


def test_the_alt_text_check_catches_wrong_statements():
    """Planted faults in statements an alt text may make: a chain step that is no arrow, a wrong
    session count, a wrong start, a wrong branch."""
    alt = placed("en")[0]
    stated = (
        alt
        + " 30 questions in 5 sessions. Chains 1 → 4 → 8 → 2 → 7 → 23 → 20; 25 → 30 → 11,"
        + " with 11 also leading to 16 and 22."
    )
    path = real_path()
    stated = stated.replace(
        "30 questions in 5 sessions", f"{len(path.order)} questions in {len(path.sessions)} sessions"
    )
    assert alt_text_problems(stated, "en") == []
    wrong_chain = alt_text_problems(stated.replace("2 → 7 → 23", "2 → 23"), "en")
    assert wrong_chain == ["chain 1 → 4 → 8 → 2 → 23 → 20: no arrow [(2, 23)]"]
    wrong_count = stated.replace(f"in {len(path.sessions)} sessions", f"in {len(path.sessions) + 1} sessions")
    assert alt_text_problems(wrong_count, "en")[0].startswith("count:")
    assert alt_text_problems(stated.replace("Question 1 starts", "Question 4 starts"), "en")[0].startswith("start:")
    assert alt_text_problems(stated.replace("leading to 16", "leading to 13"), "en")[0].startswith("branch:")


def test_built_study_path_pages_show_the_figure(site):
    for prefix in ("", "en/"):
        page = site / prefix / "study" / "path" / "index.html"
        doc = lxml.html.fromstring(page.read_bytes())
        (fig,) = doc.xpath('//figure[@id="fig-site-study-path"]')
        svg_el = fig.xpath(".//svg")[0]
        assert svg_el.get("role") == "img" and len(svg_el.get("aria-label", "")) > 100, page
        assert fig.xpath("./figcaption")[0].text_content().strip(), page
        # after the introduction, before the first session
        following = fig.xpath("following::h2")
        assert following and fig.xpath("preceding-sibling::p"), page
        assert len(fig.xpath('.//g[@class="fact-node"]')) == N_QUESTIONS
