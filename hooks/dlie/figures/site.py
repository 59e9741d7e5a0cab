"""Figures of the pages other than questions: the study path drawn as a graph.

``site/study-path`` is drawn from the same content and functions as the study path page
(``docs/concepts.yml``, the questions' front matter, ``dlie.studyplan``): one band per session in
path order, the session's name and topics on its left, its questions left to right in path order,
and an arrow from every direct prerequisite to the question that builds on it. So every arrow
points right (same session) or down (a later session).
"""

from __future__ import annotations

import math
import re

import yaml
from matplotlib.patches import PathPatch
from matplotlib.path import Path

from dlie import glossary, languages, studyplan
from dlie.figures import CJK_RE, DOCS, FigureError, figure
from dlie.figures.cells import fill_cells
from dlie.figures.style import C

LABELS = {
    "zh": {"arrow": "箭头：从先修题指向以它为基础的题"},
    "en": {"arrow": "arrow: from a question to one that builds on it"},
}


def _keep() -> set[str]:
    """Latin words of the glossary's Chinese concept names (ReLU, Sigmoid …): a session's topics
    are shown by those names in the Chinese figure."""
    try:
        g = glossary.load_glossary(DOCS / "concepts.yml")
    except (OSError, glossary.GlossaryError):
        return set()
    return {w for c in g.concepts.values() for w in re.findall(r"[A-Za-z]+", c.names["zh"])}


KEEP = _keep()

# difficulty (position in the glossary's levels: basic, intermediate, advanced) -> look of a node
LEVEL_STYLE = (("o", 28, C.accent3, C.fill3), ("s", 25, C.accent, C.fill), ("D", 21, C.accent2, C.fill2))
R = 15  # arrows end this far from a node's centre
HEAD_L, HEAD_W = 7.0, 3.2  # arrow head length and half width
LEGEND = 34  # height of the legend strip at the bottom
MIN_BAND, MIN_PITCH = 80, 56  # least room for a session's row and for a question in it


def text_width(text: str, size: float) -> float:
    """Width of a label in px: DejaVu Sans metrics for Latin text (wider than the page's font),
    one em for each CJK character (DejaVu has none)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    cjk = len(CJK_RE.findall(text))
    latin = CJK_RE.sub("", text)
    prop = FontProperties(family="DejaVu Sans", size=size)
    return cjk * size + (TextToPath().get_text_width_height_descent(latin, prop, ismath=False)[0] if latin else 0)


def _head(tip, towards, verts, codes):
    """A filled arrow head whose tip is ``tip`` and which points away from ``towards``; returns
    the point where the arrow's line should end (the middle of the head's base)."""
    dx, dy = tip[0] - towards[0], tip[1] - towards[1]
    n = math.hypot(dx, dy) or 1.0
    ux, uy = dx / n, dy / n
    base = (tip[0] - ux * HEAD_L, tip[1] - uy * HEAD_L)
    verts += [tip, (base[0] - uy * HEAD_W, base[1] + ux * HEAD_W), (base[0] + uy * HEAD_W, base[1] - ux * HEAD_W), tip]
    codes += [Path.MOVETO, Path.LINETO, Path.LINETO, Path.CLOSEPOLY]
    return base


def _smooth(points, lead: float):
    """Segments of a smooth curve through ``points`` (Catmull-Rom as cubic Béziers), leaving the
    first point and reaching the last one straight down (tangent length ``lead``)."""
    n = len(points)
    tangents = [(0.0, -lead)]
    for i in range(1, n - 1):
        (x0, y0), (x1, y1) = points[i - 1], points[i + 1]
        tangents.append(((x1 - x0) / 2, (y1 - y0) / 2))
    tangents.append((0.0, -lead))
    segs = [("M", points[0])]
    for i in range(n - 1):
        (x0, y0), (x1, y1) = points[i], points[i + 1]
        (tx0, ty0), (tx1, ty1) = tangents[i], tangents[i + 1]
        segs.append(("C", (x0 + tx0 / 3, y0 + ty0 / 3), (x1 - tx1 / 3, y1 - ty1 / 3), (x1, y1)))
    return segs


def _arc_level(span: tuple[int, int], placed: dict[tuple[int, int], int]) -> int:
    """How high an arc between two slots of a session goes (0 for the lowest): one level per slot
    it jumps beyond the next, and one more while it would cross an arc of its level already
    drawn (one end strictly inside the other's span) or share its start; records it in ``placed``."""
    a, b = span

    def clashes(other):
        c, d = other
        return (a < c < b < d) or (c < a < d < b) or (a == c and b != d)

    level = b - a - 2
    while any(clashes(o) for o, lv in placed.items() if lv == level):
        level += 1
    placed[span] = level
    return level


def edge_routes(path: studyplan.StudyPath, x_of, y_of) -> dict[tuple[str, str], list]:
    """The route of every arrow (prerequisite, question) as a list of segments
    ``("M", p) | ("L", p) | ("C", c1, c2, p)`` ending where the head's tip is.

    * same session: a straight arrow to the next question, else an arc above the row, higher
      the farther it goes and where it would cross another;
    * a later session: a curve from the bottom of one to the top of the other; across the
      sessions in between it passes halfway between two of their questions (the gap nearest
      the straight line), never through one, a few pixels beside the arrows already there."""
    session_of = {s: k for k, sess in enumerate(path.sessions) for s in sess}
    slot_of = {s: i for sess in path.sessions for i, s in enumerate(sess)}
    pitch = x_of(1) - x_of(0)
    used: dict[tuple[int, int], int] = {}  # (session, gap) -> arrows through it so far
    arcs: dict[int, dict[tuple[int, int], int]] = {}  # session -> {(from slot, to slot): level}
    routes = {}
    for q in path.order:
        for p in sorted(path.prereqs[q], key=path.order.index):
            (xs, ys), (xt, yt) = (x_of(slot_of[p]), y_of(session_of[p])), (x_of(slot_of[q]), y_of(session_of[q]))
            if session_of[q] == session_of[p] and slot_of[q] == slot_of[p] + 1:
                routes[p, q] = [("M", (xs + R, ys)), ("L", (xt - R, yt))]
                continue
            if session_of[q] == session_of[p]:
                level = _arc_level((slot_of[p], slot_of[q]), arcs.setdefault(session_of[p], {}))
                rise = 16 + 10 * level
                c, sn = math.cos(math.radians(60 + 8 * level)), math.sin(math.radians(60 + 8 * level))
                a, b = (xs + R * c, ys + R * sn), (xt - R * c, yt + R * sn)
                dx = (b[0] - a[0]) * 0.15
                routes[p, q] = [("M", a), ("C", (a[0] + dx, a[1] + rise), (b[0] - dx, b[1] + rise), b)]
                continue
            points = [(xs, ys - R)]
            for k in range(session_of[p] + 1, session_of[q]):
                y = y_of(k)
                x = xs + (xt - xs) * (ys - y) / (ys - yt)
                if x < x_of(len(path.sessions[k]) - 1) + pitch / 2:  # among the session's questions
                    gap = min(range(len(path.sessions[k]) + 1), key=lambda i: abs(x_of(i) - pitch / 2 - x))
                    n = used.get((k, gap), 0)
                    used[k, gap] = n + 1
                    x = x_of(gap) - pitch / 2 + (n + 1) // 2 * 5 * (1 if n % 2 else -1)
                points.append((x, y))
            points.append((xt, yt + R))
            routes[p, q] = _smooth(points, lead=points[0][1] - points[1][1])
    return routes


def draw_arrows(ax, routes, *, colour=C.muted, lw=1.2, gid=None, head_gid=None):
    """Every route as one stroked path (gid ``gid``) and all the heads as one filled path
    (``head_gid``)."""
    if not routes:
        return  # a path where no question builds on another (a site with one question)
    verts, codes, hv, hc = [], [], [], []
    for route in routes:
        *body, last = route
        tip = last[-1]
        towards = last[-2] if last[0] == "C" else body[-1][-1]
        end = _head(tip, towards, hv, hc)
        for kind, *points in body:
            verts += points
            codes += {"M": [Path.MOVETO], "L": [Path.LINETO], "C": [Path.CURVE4] * 3}[kind]
        if last[0] == "C":
            verts += [last[1], last[2], end]
            codes += [Path.CURVE4] * 3
        else:
            verts.append(end)
            codes.append(Path.LINETO)
    ax.add_patch(PathPatch(Path(verts, codes), fill=False, edgecolor=colour, lw=lw, gid=gid, clip_on=False, zorder=2))
    ax.add_patch(PathPatch(Path(hv, hc), facecolor=colour, edgecolor="none", gid=head_gid, clip_on=False, zorder=2))


@figure("site/study-path", size=(9.4, 6.8), inputs=("concepts.yml", "questions/*.md", "ui/*.yml"))
def study_path(fig, t):
    """The study path: a band per session (its name and topics on the left), its questions left
    to right in path order (shape and colour by difficulty), and an arrow from every direct
    prerequisite to the question that builds on it. Node labels carry gid ``fact-node``, the
    arrows' lines (one path, one sub-path per arrow) ``fact-edges``."""
    lang = t.lang
    plan = studyplan.plan_from_docs(t.docs, t.langs)
    g = plan.plan.glossary
    ui = yaml.safe_load((t.docs / languages.UI_DIR / f"{lang}.yml").read_text(encoding="utf-8"))
    seed = {s: p.seed for s, p in plan.plan.profiles.items()}
    pos = {s: i for i, s in enumerate(plan.order)}
    for q, deps in plan.prereqs.items():
        for p in deps:
            if pos[p] >= pos[q]:
                raise FigureError(
                    f"figure site/study-path: question {seed[q]} builds on {seed[p]}, which comes later on the path"
                )

    heads = [ui["study"]["session"].format(n=k + 1) for k in range(len(plan.sessions))]
    names = [[g.concepts[cid].names[lang] for cid in topics] for topics in plan.topics]
    left = 20 + max([text_width(x, 13.5) for x in heads] + [text_width(x, 12) for ns in names for x in ns])
    n_sessions, width = len(plan.sessions), max(len(s) for s in plan.sessions)
    # the registered size is the smallest; more sessions or longer ones make the figure grow
    w, h = (float(v) * 72 for v in fig.get_size_inches())
    w, h = max(w, left + 8 + width * MIN_PITCH), max(h, LEGEND + 4 + n_sessions * MIN_BAND)
    fig.set_size_inches(w / 72, h / 72)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, w)
    ax.set_ylim(0, h)
    ax.axis("off")
    band = (h - LEGEND - 4) / n_sessions
    pitch = (w - left - 8) / width
    if band < MIN_BAND or pitch < MIN_PITCH or len(g.levels) > len(LEVEL_STYLE):
        raise FigureError(
            f"figure site/study-path ({lang}): {n_sessions} sessions of up to {width} questions, {len(g.levels)} "
            f"levels do not fit: make its size larger (now {band:.0f} px a session, {pitch:.0f} px a question)"
        )

    def x_of(slot):
        return left + pitch * (slot + 0.5)

    def y_of(k):  # node row of session k: below the room its arcs and incoming arrows need
        return h - 4 - band * k - band * 0.56

    # alternate sessions on a light band
    fill_cells(ax, [(0, h - 4 - band * (k + 1), w, band) for k in range(1, n_sessions, 2)], C.fill4, alpha=0.6)
    for k, (head, ns) in enumerate(zip(heads, names, strict=True)):
        top = h - 4 - band * k
        ax.text(8, top - 16, head, ha="left", va="center", fontweight="bold")
        for i, name in enumerate(ns):
            ax.text(8, top - 34 - 15 * i, name, ha="left", va="center", fontsize=12, color=C.muted)

    routes = edge_routes(plan, x_of, y_of)
    in_order = sorted(routes, key=lambda e: (pos[e[1]], pos[e[0]]))
    draw_arrows(ax, [routes[e] for e in in_order], gid="fact-edges", head_gid="fact-heads")

    session_of = {s: k for k, sess in enumerate(plan.sessions) for s in sess}
    slot_of = {s: i for sess in plan.sessions for i, s in enumerate(sess)}
    for level, (marker, size, edge, face) in zip(g.levels, LEVEL_STYLE, strict=False):  # checked above
        slugs = [s for s in plan.order if plan.plan.difficulty[s] == level]
        if slugs:
            ax.plot(
                [x_of(slot_of[s]) for s in slugs],
                [y_of(session_of[s]) for s in slugs],
                ls="none",
                marker=marker,
                ms=size,
                mfc=face,
                mec=edge,
                mew=1.5,
                zorder=3,
                clip_on=False,
                gid=f"fact-level-{level}",
            )
    for s in plan.order:
        ax.text(
            x_of(slot_of[s]),
            y_of(session_of[s]),
            str(seed[s]),
            ha="center",
            va="center_baseline",
            zorder=4,
            gid="fact-node",
        )

    # legend: the levels with the glossary's names, and what an arrow means
    x = 8
    for level, (marker, size, edge, face) in zip(g.levels, LEVEL_STYLE, strict=False):
        ax.plot([x + 9], [LEGEND / 2], ls="none", marker=marker, ms=size * 0.6, mfc=face, mec=edge, mew=1.5)
        ax.text(x + 22, LEGEND / 2, g.levels[level][lang], ha="left", va="center", fontsize=12)
        x += 22 + text_width(g.levels[level][lang], 12) + 18
    draw_arrows(ax, [[("M", (x, LEGEND / 2)), ("L", (x + 30, LEGEND / 2))]])
    ax.text(x + 36, LEGEND / 2, t["arrow"], ha="left", va="center", fontsize=12)
