"""Drawing helpers for tables of numbers in cells that need not be square (1-D strips, small
matrices with decimals), on a canvas in CSS pixels (``diagram.canvas``): x grows to the right,
y upwards, a table's top-left corner is ``(x0, top)`` and row ``i`` goes down.

As in ``cells``, cells that share a fill are merged into one compound path and the borders are
one path, so a table of fifty cells stays a few kilobytes of SVG.
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import PathPatch
from matplotlib.path import Path

from dlie.figures import cells
from dlie.figures.style import C


def borders(ax, rows: int, cols: int, x0: float, top: float, w: float, h: float, colour=C.grid, lw=1.0):
    """The borders of a rows × cols table of w × h cells, as one path."""
    many_borders(ax, [(rows, cols, x0, top, w, h)], colour, lw)


def many_borders(ax, tables, colour=C.grid, lw=1.0):
    """The borders of several tables, each (rows, cols, x0, top, w, h), as a single path."""
    verts, codes = [], []
    for rows, cols, x0, top, w, h in tables:
        for i in range(rows + 1):
            verts += [(x0, top - i * h), (x0 + cols * w, top - i * h)]
            codes += [Path.MOVETO, Path.LINETO]
        for j in range(cols + 1):
            verts += [(x0 + j * w, top), (x0 + j * w, top - rows * h)]
            codes += [Path.MOVETO, Path.LINETO]
    if verts:
        ax.add_patch(PathPatch(Path(verts, codes), fill=False, edgecolor=colour, lw=lw, clip_on=False))


def box_of(x0: float, top: float, w: float, h: float, i: int, j: int) -> tuple[float, float, float, float]:
    """(x, y, w, h) of cell (i, j): its bottom-left corner and size."""
    return x0 + j * w, top - (i + 1) * h, w, h


def table(
    ax,
    x0: float,
    top: float,
    values,
    w: float,
    h: float,
    *,
    texts=None,
    shade=None,
    pos: str = C.accent,
    neg: str = C.accent2,
    vmax: float | None = None,
    levels: int = 8,
    strength: float = 0.5,
    size: float = 13,
    edge: str = C.grid,
    text_gid: str | None = None,
    blank=None,
    fmt: str = "{:g}",
) -> None:
    """A table of ``values`` (2-D) in w × h cells: a cell is filled with ``pos`` (value > 0) or
    ``neg`` (value < 0) at an opacity proportional to |value| / ``vmax`` (``levels`` steps, at most
    ``strength``: keep it near 0.5 under text); ``shade`` (bool array) limits the filled cells;
    ``blank`` (bool array) marks cells filled with the neutral fill instead (padding). ``texts``
    (strings, same shape; default: each value formatted with ``fmt`` by ``cells.number``, a zero
    as "0") are centred in the cells, in
    the foreground colour, each carrying ``text_gid``."""
    v = np.atleast_2d(np.asarray(values, dtype=float))
    shade = np.ones(v.shape, bool) if shade is None else np.atleast_2d(shade)
    blank = np.zeros(v.shape, bool) if blank is None else np.atleast_2d(blank)
    vmax = float(np.abs(v[shade & ~blank]).max(initial=0)) if vmax is None else vmax
    groups: dict[tuple[str, int], list] = {}
    for (i, j), value in np.ndenumerate(v):
        if blank[i, j] or not shade[i, j] or not vmax:
            continue
        level = round(min(abs(value) / vmax, 1) * levels)
        if level:
            groups.setdefault((pos if value > 0 else neg, level), []).append(box_of(x0, top, w, h, i, j))
    cells.fill_cells(ax, [box_of(x0, top, w, h, i, j) for i, j in np.argwhere(blank)], C.fill4)
    for (face, level), boxes in sorted(groups.items()):
        cells.fill_cells(ax, boxes, face, alpha=strength * level / levels)
    borders(ax, *v.shape, x0, top, w, h, edge)
    if texts is None:
        texts = np.vectorize(lambda x: cells.number(x, fmt) if x else "0", otypes=[object])(v)
    for (i, j), s in np.ndenumerate(np.atleast_2d(np.asarray(texts, dtype=object))):
        if s:
            ax.text(x0 + (j + 0.5) * w, top - (i + 0.5) * h, s, ha="center", va="center", fontsize=size, gid=text_gid)
