"""A lighter KaTeX HTML layer: a lone subscript or superscript drawn by one shifted span.

KaTeX draws every script (``x_i``, ``W^\\top``) as a vertical list built from an inline table:
for a subscript twelve elements (table, two rows, two cells, a strut that fixes the baseline, a
spacer column and an empty depth row) around the script's own one or two, for a superscript
seven. Inline formulas with scripts are most of a formula-heavy question page's elements (issue
#19: question 16 has 5,956 elements, 2,704 of them KaTeX's drawing), and the style and layout
work of a page load grows with its elements.

Only the drawing changes: the MathML copy that screen readers read is untouched. A vertical list
with one script places the script's baseline ``P - T`` em below the base's (``P`` the strut's
height, ``T`` the row's ``top: -T``), in the em of the list's own font; the strut that KaTeX puts
at the start of the formula already holds the formula's height and depth, so the list's own
height and depth never decide a line's height. The same script is drawn by one span, moved
by ``position: relative`` (which leaves layout as it is) and keeping the row's margins (KaTeX's
italic-correction kern and script space). Lists of two scripts (``x_i^2``), limits, fractions,
accents and everything else stay as KaTeX wrote them. A browser test draws every compacted formula
of the site both ways and compares each character's place.
"""

from __future__ import annotations

import re

TAG_RE = re.compile(r"<(/?)([a-z]+)([^>]*?)(/?)>")
EM = r"(-?[0-9.]+)em"
ROW_STYLE_RE = re.compile(rf"^top:{EM};(?:margin-left:{EM};)?margin-right:{EM};$")
PSTRUT_RE = re.compile(rf'^ class="pstrut" style="height:{EM};"$')


class Node:
    __slots__ = ("tag", "attrs", "children", "empty")

    def __init__(self, tag: str, attrs: str, empty: bool = False):
        self.tag, self.attrs, self.children, self.empty = tag, attrs, [], empty  # empty: written <x/>

    def cls(self) -> str:
        m = re.match(r'^ class="([^"]*)"', self.attrs)
        return m.group(1) if m else ""

    def style(self) -> str:
        m = re.search(r'style="([^"]*)"', self.attrs)
        return m.group(1) if m else ""

    def html(self) -> str:
        if self.empty:
            return f"<{self.tag}{self.attrs}/>"
        inner = "".join(c if isinstance(c, str) else c.html() for c in self.children)
        return f"<{self.tag}{self.attrs}>{inner}</{self.tag}>"


def parse(fragment: str) -> list:
    """KaTeX's markup as a tree of Nodes and text (its tags are all closed explicitly)."""
    root = Node("", "")
    stack = [root]
    pos = 0
    for m in TAG_RE.finditer(fragment):
        if m.start() > pos:
            stack[-1].children.append(fragment[pos : m.start()])
        pos = m.end()
        closing, tag, attrs, selfclosing = m.groups()
        if closing:
            if stack[-1].tag != tag:
                raise ValueError(f"unbalanced </{tag}> in KaTeX output")
            stack.pop()
            continue
        node = Node(tag, attrs, bool(selfclosing))
        stack[-1].children.append(node)
        if not selfclosing:
            stack.append(node)
    if len(stack) != 1:
        raise ValueError("unclosed element in KaTeX output")
    if pos < len(fragment):
        root.children.append(fragment[pos:])
    return root.children


def only(node: Node, tag: str = "span", cls: str | None = None) -> Node | None:
    """The node's single element child (with this class), with no text beside it."""
    if len(node.children) != 1 or isinstance(node.children[0], str):
        return None
    child = node.children[0]
    if child.tag != tag or (cls is not None and child.cls() != cls):
        return None
    return child


def _fmt(x: float) -> str:
    return f"{x:.4f}".rstrip("0").rstrip(".") or "0"


def lone_script(msupsub: Node) -> Node | None:
    """The shifted span that draws this ``msupsub`` list, if it holds one script; else None."""
    table = only(msupsub)
    if table is None:
        return None
    rows = [c for c in table.children if not isinstance(c, str)]
    if len(rows) != len(table.children):
        return None
    if table.cls() == "vlist-t" and len(rows) == 1:  # a superscript: one row, no depth row
        first, rest = rows[0], []
    elif table.cls() == "vlist-t vlist-t2" and len(rows) == 2:  # a subscript: a depth row follows
        first, rest = rows[0], rows[1:]
        depth = only(rest[0], cls="vlist") if rest[0].attrs == ' class="vlist-r"' else None
        empty = only(depth) if depth is not None else None
        if empty is None or empty.children or empty.attrs:
            return None
    else:
        return None
    if first.cls() != "vlist-r":
        return None
    cells = [c for c in first.children if not isinstance(c, str)]
    if len(cells) != len(first.children) or not cells or cells[0].cls() != "vlist":
        return None
    if rest and (len(cells) != 2 or cells[1].cls() != "vlist-s"):
        return None
    if not rest and len(cells) != 1:
        return None
    row = only(cells[0])
    if row is None or row.cls():
        return None
    sm = ROW_STYLE_RE.match(row.style())
    if sm is None or row.attrs != f' style="{row.style()}"' or len(row.children) < 2:
        return None
    strut = row.children[0]
    pm = PSTRUT_RE.match(strut.attrs) if not isinstance(strut, str) else None
    if pm is None or strut.children:
        return None
    top, left, right = float(sm.group(1)), float(sm.group(2) or 0), float(sm.group(3))
    shift = float(pm.group(1)) + top  # the script's baseline, below the base's (em)
    style = f"position:relative;top:{_fmt(shift)}em;"
    if left:
        style += f"margin-left:{_fmt(left)}em;"
    style += f"margin-right:{_fmt(right)}em;"
    span = Node("span", f' class="msupsub" style="{style}"')
    span.children = row.children[1:]
    return span


def _compact(nodes: list) -> int:
    n = 0
    for i, node in enumerate(nodes):
        if isinstance(node, str):
            continue
        n += _compact(node.children)
        if node.cls() == "msupsub" and not node.attrs.replace(' class="msupsub"', ""):
            span = lone_script(node)
            if span is not None:
                nodes[i] = span
                n += 1
    return n


def compact(rendered: str) -> tuple[str, int]:
    """KaTeX's output with every lone script drawn by one span; (output, scripts compacted)."""
    if 'class="msupsub"' not in rendered:
        return rendered, 0
    nodes = parse(rendered)
    n = _compact(nodes)
    if not n:
        return rendered, 0
    return "".join(c if isinstance(c, str) else c.html() for c in nodes), n
