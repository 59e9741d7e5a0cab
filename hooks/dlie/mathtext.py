"""Formulas as plain text, for the places that cannot hold rendered math (pure functions).

A formula is rendered by KaTeX wherever the page can show markup; the search index (titles and
snippets), page titles, the table of contents' accessible names and anything else that is text
get :func:`plain` instead: the TeX made plain, readable and searchable, never raw TeX and never
nothing. Function names stay words (``sqrt(d_k)``, ``softmax``, ``max``: what a reader types),
symbols become their Unicode characters (``σ``, ``∂``, ``×``, ``≤``, ``ᵀ``), subscripts keep
the underscore (``d_k``, ``x_(i,c)``), small superscripts are raised (``σ²``, ``10⁻⁵``),
fractions become ``a/b`` (``(a+b)/c`` when a part is compound) and matrices ``[1, 0; 0, 1]``.

:func:`untex` replaces the formulas of a text (``\\(…\\)``, ``\\[…\\]``, ``$…$``, ``$$…$$``) by
their plain form; :data:`RAW_TEX_RE` finds what must never reach a reader.
"""

from __future__ import annotations

import re
from functools import lru_cache

GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε", "zeta": "ζ",
    "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν",
    "xi": "ξ", "pi": "π", "rho": "ρ", "varrho": "ϱ", "sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "ϕ",
    "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ",
    "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}  # fmt: skip
SYMBOLS = {
    "times": "×", "cdot": "·", "div": "÷", "pm": "±", "mp": "∓", "ast": "*", "star": "⋆", "circ": "∘",
    "odot": "⊙", "otimes": "⊗", "oplus": "⊕", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "ne": "≠",
    "neq": "≠", "ll": "≪", "gg": "≫", "approx": "≈", "sim": "~", "simeq": "≃", "equiv": "≡", "propto": "∝",
    "in": "∈", "notin": "∉", "subset": "⊂", "subseteq": "⊆", "cup": "∪", "cap": "∩", "perp": "⊥",
    "parallel": "∥", "mid": "|", "to": "→", "rightarrow": "→", "leftarrow": "←", "gets": "←",
    "Rightarrow": "⇒", "Leftarrow": "⇐", "Longrightarrow": "⟹", "implies": "⟹", "iff": "⟺",
    "leftrightarrow": "↔", "mapsto": "↦", "uparrow": "↑", "downarrow": "↓", "sum": "∑", "prod": "∏",
    "int": "∫", "partial": "∂", "nabla": "∇", "infty": "∞", "ell": "ℓ", "forall": "∀", "exists": "∃",
    "neg": "¬", "land": "∧", "lor": "∨", "emptyset": "∅", "top": "⊤", "bot": "⊥", "prime": "′",
    "dots": "…", "ldots": "…", "cdots": "⋯", "vdots": "⋮", "ddots": "⋱", "lVert": "‖", "rVert": "‖",
    "Vert": "‖", "|": "‖", "lvert": "|", "rvert": "|", "vert": "|", "lfloor": "⌊", "rfloor": "⌋",
    "lceil": "⌈", "rceil": "⌉", "langle": "⟨", "rangle": "⟩", "{": "{", "}": "}", "%": "%", "#": "#",
    "&": "&", "_": "_", "$": "$", "backslash": "∖",
}  # fmt: skip
# functions KaTeX sets upright: written as the word
FUNCTIONS = {
    "sin", "cos", "tan", "sinh", "cosh", "tanh", "exp", "log", "ln", "lg", "max", "min", "sup", "inf",
    "arg", "argmax", "argmin", "det", "dim", "lim", "limsup", "liminf", "deg", "gcd", "Pr", "ker", "sgn",
}  # fmt: skip
SPACES = {",": " ", ";": " ", ":": " ", "!": "", " ": " ", "quad": " ", "qquad": " ", "enspace": " "}
IGNORED = {
    "left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr", "middle",
    "displaystyle", "textstyle", "scriptstyle", "limits", "nolimits", "mathrel", "mathbin", "mathop",
    "mathord", "mathopen", "mathclose", "mathpunct", "nonumber", "notag", "label", "tag",
}  # fmt: skip
STYLES = {
    "text", "textrm", "textit", "textbf", "mathrm", "mathit", "mathbf", "boldsymbol", "bm", "mathsf",
    "mathtt", "mathcal", "mathscr", "mathfrak", "operatorname", "textsf", "texttt", "emph", "mbox", "hbox",
}  # fmt: skip
BLACKBOARD = {"R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ"}
ACCENTS = {"hat": "\u0302", "widehat": "\u0302", "bar": "\u0304", "overline": "\u0304", "tilde": "\u0303",
           "widetilde": "\u0303", "vec": "\u20d7", "dot": "\u0307", "ddot": "\u0308"}  # fmt: skip
SUPERSCRIPT = dict(zip("0123456789+-−=()n⊤T", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿᵀᵀ", strict=True))

# where a word-like piece (function name, fraction, long subscript) meets a letter, a space is
# written: GAP_L before the piece, GAP_R after it
GAP_L, GAP_R = "\x01", "\x02"
LETTER = r"[A-Za-z0-9\u0370-\u03ff\u4e00-\u9fff]"  # Latin, Greek, digits, Chinese (not ², ᵀ or ∑)
CONTROL_WORD_RE = re.compile(r"\\[A-Za-z]+")
TOKEN_RE = re.compile(r"\\[A-Za-z]+|\\.|\s+|.", re.S)
# What must never reach a reader outside rendered math: a formula's delimiters or a TeX command.
RAW_TEX_RE = re.compile(r"\\[()\[\]]|\$\$|\\[A-Za-z]{2,}\b(?:\s*[{_^])?")
# The formulas of a text, as arithmatex and authors delimit them.
SPAN_RE = re.compile(
    r"\\\((.+?)\\\)|\\\[(.+?)\\\]|\$\$(.+?)\$\$|(?<![\\$\w])\$(?=\S)([^$\n]+?)(?<=\S)\$(?![\w$])", re.S
)


class _Parser:
    def __init__(self, tex: str):
        toks = TOKEN_RE.findall(tex)  # spaces are tokens: the source's spacing is kept, except
        # the space that ends a control word (``\\times k``), which TeX swallows
        swallowed = {i for i, t in enumerate(toks) if t.isspace() and i and CONTROL_WORD_RE.fullmatch(toks[i - 1])}
        self.toks = [t for i, t in enumerate(toks) if i not in swallowed]
        self.i = 0

    def peek(self) -> str | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def next(self) -> str | None:
        t = self.peek()
        if t is not None:
            self.i += 1
        return t

    def skip_spaces(self) -> None:
        while self.i < len(self.toks) and self.toks[self.i].isspace():
            self.i += 1

    def arg(self) -> str:
        """One argument: a {group} or a single token."""
        self.skip_spaces()
        t = self.next()
        if t is None:
            return ""
        if t == "{":
            return self.group()
        return self.atom(t)

    def group(self, stop: str = "}") -> str:
        out = []
        while True:
            t = self.next()
            if t is None or t == stop:
                break
            out.append(self.atom(t))
        return "".join(out)

    def env(self, name: str) -> str:
        rows, cells, cell = [], [], []
        while True:
            t = self.next()
            if t is None:
                break
            if t == "\\end":
                self.arg()
                break
            if t == "&":
                cells.append("".join(cell).strip())
                cell = []
            elif t == "\\\\":
                cells.append("".join(cell).strip())
                rows.append(cells)
                cells, cell = [], []
            else:
                cell.append(self.atom(t))
        if cell or cells:
            cells.append("".join(cell).strip())
            rows.append(cells)
        rows = [r for r in rows if any(r)]
        if name.endswith("matrix"):
            return "[" + "; ".join(", ".join(r) for r in rows) + "]"
        if name == "cases":
            return "; ".join(", ".join(c for c in r if c) for r in rows)
        return "; ".join(" ".join(c for c in r if c) for r in rows)  # aligned: & only aligns

    def script(self, mark: str) -> str:
        body = self.arg().strip()
        if mark == "^" and body and all(ch in SUPERSCRIPT for ch in body):
            return "".join(SUPERSCRIPT[ch] for ch in body)
        if mark == "^" and body in ("′", "′′", "*"):
            return body
        if mark == "^" and len(body) > 1 and body.endswith("⊤"):  # W^{(l)\top}: W^(l)ᵀ
            body = body[:-1].strip()
            return (mark + body if _atomic(body) else f"{mark}({body})") + "ᵀ"
        if _atomic(body) and not re.search(r"[_^]", body):
            return mark + body + GAP_R
        return f"{mark}({body}){GAP_R}"

    def atom(self, t: str) -> str:
        if t == "{":
            return self.group()
        if t in ("^", "_"):
            return self.script(t)
        if t == "&":
            return " "
        if t == "~":
            return " "
        if t == "'":
            return "′"
        if t.isspace():
            return " "
        if not t.startswith("\\"):
            return t
        name = t[1:]
        if name == "\\":
            return "; "
        if name in SPACES:
            return SPACES[name]
        if name in IGNORED:
            return ""
        if name in GREEK:
            return GREEK[name]
        if name in SYMBOLS:
            return SYMBOLS[name]
        if name in FUNCTIONS:
            return GAP_L + name + GAP_R
        if name in ("frac", "dfrac", "tfrac", "cfrac"):
            a, b = self.arg().strip(), self.arg().strip()
            return f"{GAP_L}{_wrap(a)}/{_wrap(b)}{GAP_R}"
        if name == "sqrt":
            self.skip_spaces()
            index = ""
            if self.peek() == "[":
                self.next()
                index = self.group("]").strip()
            body = self.arg().strip()
            return f"sqrt({body})" if not index else f"root{index}({body})"
        if name == "binom":
            n, k = self.arg().strip(), self.arg().strip()
            return f"C({n}, {k})"
        if name in ("underbrace", "overbrace"):
            body = self.arg().strip()
            self.skip_spaces()
            if self.peek() in ("_", "^"):
                self.next()
                return f"{body} ({self.arg().strip()})"
            return body
        if name in ("mathbb", "mathds", "mathbbm"):
            body = self.arg().strip()
            return "".join(BLACKBOARD.get(ch, ch) for ch in body)
        if name in STYLES:
            return self.arg()
        if name in ACCENTS:
            body = self.arg().strip()
            return body + ACCENTS[name] if body else ""
        if name == "begin":
            return self.env(self.arg())
        if name == "end":
            self.arg()
            return ""
        if name in ("color", "textcolor"):
            self.arg()
            return self.arg() if name == "textcolor" else ""
        if name in ("phantom", "hphantom", "vphantom"):
            self.arg()
            return ""
        return name  # an unknown command: its name, never a backslash


def _atomic(s: str) -> bool:
    """True if ``s`` reads as one unit after ``_``/``^`` or as a fraction's part: a word or
    number, a bracketed group, or a word applied to one (``sqrt(x+1)``, ``f(x)``)."""
    m = re.fullmatch(r"([\w′.∞*\u0300-\u036f]*)(.*)", s, re.S)
    head, rest = m.group(1), m.group(2)
    if not rest:
        return bool(head)
    if rest[0] not in "([" or rest[-1] != {"(": ")", "[": "]"}[rest[0]]:
        return False
    depth = 0
    for i, ch in enumerate(rest):
        depth += ch in "([" and 1 or ch in ")]" and -1 or 0
        if depth == 0 and i < len(rest) - 1:
            return False  # (a)(b): two groups
    return True


def _wrap(s: str) -> str:
    return s if _atomic(s) or re.fullmatch(r"[^\s+\-−·×/=,<>≤≥]+", s) else f"({s})"


@lru_cache(maxsize=8192)
def plain(tex: str) -> str:
    """The plain-text form of one formula (TeX source without delimiters)."""
    p = _Parser(tex.strip())
    out = []
    while (t := p.next()) is not None:
        out.append(p.atom(t))
    text = "".join(out)
    # a word-like piece (function name, fraction, long subscript) keeps apart from a letter
    text = re.sub(rf"(?<={LETTER}){GAP_L}|{GAP_R}(?={LETTER})", " ", text)
    text = text.replace(GAP_L, "").replace(GAP_R, "")
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+([,;:)\]])", r"\1", text)
    text = re.sub(r"([(\[])\s+", r"\1", text)
    return text.strip(" ;,")


def untex(text: str) -> str:
    """``text`` with each delimited formula replaced by its plain form."""

    def repl(m):
        tex = next(g for g in m.groups() if g is not None)
        return plain(tex)

    return SPAN_RE.sub(repl, text)


def has_tex(text: str) -> bool:
    return bool(SPAN_RE.search(text))


# ---- titles and the table of contents ------------------------------------------------------
HEADING_RE = re.compile(r'<h([1-6])\b[^>]*\bid="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
HEADERLINK_RE = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.S)


def _toc_items(items):
    for item in items:
        yield item
        yield from _toc_items(item.children)


def plain_titles(page, content: str) -> None:
    """A page's title and table of contents without raw TeX (Python-Markdown keeps a heading's
    formula as its TeX source in both): the title, and each TOC entry's text (its link text
    where Material's template cannot take markup, e.g. a sub-list's accessible name), get the
    plain form; each TOC entry also gets the heading as rendered in ``content`` (KaTeX, with its
    MathML for screen readers), which Material's TOC template shows (``toc_item.typeset``, as
    its typeset plugin sets it)."""
    import html

    for key in ("title",):
        value = page.meta.get(key)
        if isinstance(value, str) and has_tex(value):
            page.meta[key] = untex(value)
    if getattr(page, "_title_from_render", None) and has_tex(page._title_from_render):
        page._title_from_render = html.escape(untex(html.unescape(page._title_from_render)), quote=False)
    items = [item for item in _toc_items(page.toc or []) if has_tex(html.unescape(item.title))]
    if not items:
        return
    rendered = {m.group(2): HEADERLINK_RE.sub("", m.group(3)).strip() for m in HEADING_RE.finditer(content)}
    for item in items:
        item.title = html.escape(untex(html.unescape(item.title)), quote=False)
        if "<katex-math" in rendered.get(item.id, ""):
            item.typeset = {"title": rendered[item.id]}


# ---- finding raw TeX in what the site shows --------------------------------------------------
# Where TeX legitimately stays in a built page: KaTeX's MathML keeps each formula's source in
# <annotation> (read by no one, copied by some), scripts and styles, and code.
HIDDEN_RE = re.compile(r"<(script|style|annotation|code|pre)\b[^>]*>.*?</\1>", re.S | re.I)


def raw_tex(text: str, width: int = 40) -> list[str]:
    """Each piece of raw TeX in ``text`` (a built page's HTML, its text and attribute values
    alike, or a search index's title or text) outside the places it belongs
    (:data:`HIDDEN_RE`), with ``width`` characters of context either side."""
    text = HIDDEN_RE.sub(" ", text)
    spans: list[list[int]] = []
    for m in RAW_TEX_RE.finditer(text):  # pieces of one formula (\(, \sqrt{, \)) are one finding
        if spans and m.start() - spans[-1][1] <= width:
            spans[-1][1] = m.end()
        else:
            spans.append([m.start(), m.end()])
    return [text[max(0, a - width) : b + width].replace("\n", " ") for a, b in spans]
