"""Drawing helpers for figures made of cells (feature maps, kernels, weight matrices, 1-D strips).

A grid is drawn in data coordinates of an ``ax`` whose aspect is equal, with its top-left corner
at ``(x0, top)`` and row ``i`` going down. Cells that share a fill are merged into one compound
path and the cell borders are one path, so a grid of a hundred cells stays a few kilobytes of SVG.
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import FancyArrowPatch, PathPatch, Rectangle
from matplotlib.path import Path

from dlie.figures.style import C


def _squares(boxes: list[tuple[float, float, float, float]]) -> Path:
    verts, codes = [], []
    for x, y, w, h in boxes:
        verts += [(x, y), (x + w, y), (x + w, y + h), (x, y + h), (x, y)]
        codes += [Path.MOVETO, Path.LINETO, Path.LINETO, Path.LINETO, Path.CLOSEPOLY]
    return Path(verts, codes)


def fill_cells(ax, boxes, face: str, alpha: float = 1.0, gid: str | None = None) -> None:
    """Fill several (x, y, w, h) boxes with one colour as a single path (no border)."""
    if boxes:
        ax.add_patch(PathPatch(_squares(boxes), facecolor=face, edgecolor="none", alpha=alpha, gid=gid, clip_on=False))


def lines(ax, rows: int, cols: int, x0: float, top: float, cell: float, colour: str = C.grid, lw: float = 1) -> None:
    """The borders of a rows × cols grid as one path."""
    verts, codes = [], []
    for i in range(rows + 1):
        verts += [(x0, top - i * cell), (x0 + cols * cell, top - i * cell)]
        codes += [Path.MOVETO, Path.LINETO]
    for j in range(cols + 1):
        verts += [(x0 + j * cell, top), (x0 + j * cell, top - rows * cell)]
        codes += [Path.MOVETO, Path.LINETO]
    ax.add_patch(PathPatch(Path(verts, codes), fill=False, edgecolor=colour, lw=lw, clip_on=False))


def grid(
    ax,
    x0: float,
    top: float,
    values,
    cell: float,
    pos: str = C.accent,
    neg: str = C.accent2,
    vmax: float | None = None,
    levels: int = 8,
    text=None,
    fontsize: float = 12,
    edge: str = C.grid,
    strength: float = 0.85,
) -> None:
    """A heat map of ``values`` (2-D): each cell is filled with ``pos`` (value > 0) or ``neg``
    (value < 0) at an opacity proportional to |value| / ``vmax`` (rounded to ``levels`` steps);
    zero cells stay empty; the largest opacity is ``strength`` (keep it near 0.5 under text).
    ``text`` (an array of strings, same shape) is written in the cells, in
    the foreground colour, so the numbers stay readable on any fill."""
    v = np.asarray(values, dtype=float)
    vmax = float(np.abs(v).max()) if vmax is None else vmax
    groups: dict[tuple[str, int], list] = {}
    for (i, j), value in np.ndenumerate(v):
        level = round(abs(value) / vmax * levels) if vmax else 0
        if level:
            groups.setdefault((pos if value > 0 else neg, level), []).append(
                (x0 + j * cell, top - (i + 1) * cell, cell, cell)
            )
    for (face, level), boxes in sorted(groups.items()):
        fill_cells(ax, boxes, face, alpha=strength * level / levels)
    lines(ax, *v.shape, x0, top, cell, edge)
    if text is not None:
        for (i, j), s in np.ndenumerate(np.asarray(text, dtype=object)):
            if s:
                ax.text(x0 + (j + 0.5) * cell, top - (i + 0.5) * cell, s, ha="center", va="center", fontsize=fontsize)


def frame(ax, x: float, y: float, w: float, h: float, colour: str = C.accent, lw: float = 2.5, gid=None, ls="-"):
    """An outline (a window, a highlighted cell); (x, y) is the bottom-left corner."""
    ax.add_patch(Rectangle((x, y), w, h, fill=False, edgecolor=colour, lw=lw, gid=gid, ls=ls, clip_on=False))


def arrow(ax, start, end, colour: str = C.muted, lw: float = 1.5) -> None:
    ax.add_patch(
        FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=14, color=colour, lw=lw, shrinkA=0, shrinkB=0)
    )


def canvas(fig, width: float, height: float):
    """One axes over the whole figure, in units where the figure is ``width`` × ``height``
    (equal aspect when the ratio matches the figure's), without spines or ticks."""
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.axis("off")
    return ax


def number(v: float, fmt: str = "{:g}") -> str:
    """A number as a figure shows it: a typographic minus sign, and no "−0.0" for a small
    negative value that rounds to zero."""
    s = fmt.format(v)
    if s.startswith("-") and not s.strip("-0."):
        s = s[1:]
    return s.replace("-", "−")
