"""Drawing helpers shared by block diagrams and small heat maps (questions 11–15).

Everything is drawn on one axes that fills the figure with data units of CSS pixels
(:func:`canvas`), so positions, box sizes and font sizes (px) are in the same unit; x grows to
the right, y grows upwards. Colours are roles from ``style.C``.
"""

from __future__ import annotations

from matplotlib.patches import Circle, FancyBboxPatch, PathPatch, Rectangle
from matplotlib.path import Path

from dlie.figures.style import C


def canvas(fig):
    """One axes covering the whole figure, in CSS pixels (0..width, 0..height), no frame."""
    w, h = (float(v) * 72 for v in fig.get_size_inches())
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, w)
    ax.set_ylim(0, h)
    ax.axis("off")
    return ax


def box(ax, cx, cy, w, h, text="", *, face=C.fill4, edge=C.fg, color=C.fg, size=13, lw=1.2, gid=None, **kw):
    """A rounded box centred on (cx, cy) with centred text; returns its (left, bottom, right, top)."""
    ax.add_patch(
        FancyBboxPatch(
            (cx - w / 2, cy - h / 2),
            w,
            h,
            boxstyle=f"round,pad=0,rounding_size={min(6, h / 4)}",
            facecolor=face,
            edgecolor=edge,
            lw=lw,
            gid=gid,
        )
    )
    if text:
        ax.text(cx, cy, text, ha="center", va="center", color=color, fontsize=size, **kw)
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


def node(ax, cx, cy, text, *, r=10, face=C.fill4, edge=C.fg, color=C.fg, size=13, gid=None):
    """A small circle (a merge or multiply operation) with a centred symbol."""
    ax.add_patch(Circle((cx, cy), r, facecolor=face, edgecolor=edge, lw=1.2, gid=gid))
    ax.text(cx, cy, text, ha="center", va="center_baseline", color=color, fontsize=size)


def arrow(ax, start, end, *, color=C.muted, lw=1.4, head=True, dashed=False, gid=None):
    """A straight arrow (or a plain line without ``head``) from ``start`` to ``end``."""
    ann = ax.annotate(
        "",
        xy=end,
        xytext=start,
        arrowprops={
            "arrowstyle": "-|>,head_length=0.5,head_width=0.25" if head else "-",
            "color": color,
            "lw": lw,
            "shrinkA": 0,
            "shrinkB": 0,
            "linestyle": (0, (4, 3)) if dashed else "-",
        },
    )
    ann.arrow_patch.set_gid(gid)  # the arrow is a patch of its own: the gid goes there


def polyline(ax, points, *, color=C.muted, lw=1.4, head=True, dashed=False, gid=None):
    """Straight segments through ``points``; the last one ends in an arrow head."""
    for a, b in zip(points[:-2], points[1:-1], strict=False):
        ax.plot([a[0], b[0]], [a[1], b[1]], color=color, lw=lw, ls="--" if dashed else "-", solid_capstyle="butt")
    arrow(ax, points[-2], points[-1], color=color, lw=lw, head=head, dashed=dashed, gid=gid)


def grid(ax, x0, top, rows, cols, cell, *, face=C.fill4, edge=C.grid, lw=1.0, gid=None):
    """A rows × cols grid of square cells whose top-left corner is (x0, top): one filled rectangle
    (carrying ``gid``) and one path for all the cell borders, so the SVG stays small."""
    w, h = cols * cell, rows * cell
    ax.add_patch(Rectangle((x0, top - h), w, h, facecolor=face, edgecolor="none", gid=gid))
    verts, codes = [], []
    for j in range(cols + 1):
        verts += [(x0 + j * cell, top), (x0 + j * cell, top - h)]
        codes += [Path.MOVETO, Path.LINETO]
    for i in range(rows + 1):
        verts += [(x0, top - i * cell), (x0 + w, top - i * cell)]
        codes += [Path.MOVETO, Path.LINETO]
    ax.add_patch(PathPatch(Path(verts, codes), fill=False, edgecolor=edge, lw=lw))


# the largest cell opacity under text, per fill role: the fg text keeps at least 4.5:1 on the
# blended cell in both palettes of extra.css (accent 0.5: 6.8 light / 4.5 dark; the others 0.4:
# 4.9 dark or more); a heat map without text uses the full range
TEXT_OPACITY = {C.accent: 0.5, C.accent2: 0.4, C.accent3: 0.4, C.accent4: 0.4}


def heatmap(
    ax,
    x0,
    top,
    values,
    cell,
    *,
    color=C.accent,
    colors=None,
    scale=None,
    fmt="{:.2f}",
    texts=None,
    size=12,
    gid=None,
    text_gid=None,
):
    """A grid of cells, row i from the top, whose opacity encodes ``|values[i][j]|`` (0..``scale``,
    default the largest) on the role colour ``color`` (or ``colors[i][j]``); each cell shows
    ``texts[i][j]``, or its value formatted with ``fmt`` (``fmt=None``: nothing), in the fg colour;
    under text the opacity runs up to ``TEXT_OPACITY`` of the cell's colour, not 1, so the text
    stays readable on the darkest cell. Cells carry ``gid`` and their texts ``text_gid``, row by row."""
    rows, cols = len(values), len(values[0])
    scale = scale or max(max(abs(v) for v in row) for row in values)
    for i in range(rows):
        for j in range(cols):
            v = values[i][j]
            x, y = x0 + j * cell, top - (i + 1) * cell
            face = colors[i][j] if colors else color
            text = texts[i][j] if texts else (fmt.format(v) if fmt is not None else "")
            strength = TEXT_OPACITY.get(face, 1.0) if text else 1.0
            ax.add_patch(
                Rectangle(
                    (x, y),
                    cell,
                    cell,
                    facecolor=face,
                    alpha=strength * min(1.0, abs(v) / scale),
                    edgecolor="none",
                    gid=gid,
                )
            )
            if text:
                ax.text(
                    x + cell / 2,
                    y + cell / 2,
                    text,
                    ha="center",
                    va="center",
                    fontsize=size,
                    gid=text_gid,
                )
    grid(ax, x0, top, rows, cols, cell, face="none", lw=0.8)
