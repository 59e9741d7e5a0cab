"""Build-time KaTeX rendering: pure helpers plus one long-lived batched renderer.

pymdownx.arithmatex (generic mode) turns ``$..$`` into ``<span class="arithmatex">\\(..\\)</span>`` and
``$$..$$`` into ``<div class="arithmatex">\\[..\\]</div>``. ``find_formulas`` extracts them,
``render_html`` replaces them with KaTeX HTML+MathML produced by one Node process
(``katex-render.js``) that serves every page of a build, and of every rebuild under
``mkdocs serve``. Results are memoised in memory and in a JSON file on disk whose name holds
everything besides the formula that the output depends on (KaTeX's version, the render options
:data:`OPTIONS` and the renderer script), so an unchanged formula is never rendered twice and a
changed option never reuses an old rendering.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import html
import io
import json
import logging
import os
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from dlie import fontcascade, katexcompact, markup

ROOT = Path(__file__).resolve().parents[2]
KATEX_DIR = ROOT / "node_modules" / "katex"
SCRIPT = Path(__file__).resolve().parent / "katex-render.js"
CACHE_DIR = ROOT / ".cache" / "katex"
# KaTeX's render options (``displayMode`` is set per formula): part of the cache key.
OPTIONS = {"throwOnError": True, "strict": "error", "output": "htmlAndMathml", "trust": False}

# arithmatex generic output; the TeX inside is HTML-escaped.
FORMULA_RE = re.compile(r'<(?P<tag>span|div) class="arithmatex">(?P<body>.*?)</(?P=tag)>', re.S)


class MathError(Exception):
    """A formula that KaTeX cannot parse."""

    def __init__(self, tex: str, message: str):
        super().__init__(f"{message}\n    formula: {tex}")
        self.tex = tex
        self.message = message


@dataclass(frozen=True)
class Formula:
    start: int
    end: int
    tex: str
    display: bool


def find_formulas(content: str) -> list[Formula]:
    """All arithmatex formulas in rendered page HTML, in document order."""
    found = []
    for m in FORMULA_RE.finditer(content):
        body = html.unescape(m.group("body")).strip()
        if body.startswith("\\(") and body.endswith("\\)"):
            tex, display = body[2:-2], False
        elif body.startswith("\\[") and body.endswith("\\]"):
            tex, display = body[2:-2], True
        else:  # not produced by arithmatex generic mode; leave alone
            continue
        found.append(Formula(m.start(), m.end(), tex.strip(), display))
    return found


def katex_version() -> str:
    return json.loads((KATEX_DIR / "package.json").read_text())["version"]


class KatexRenderer:
    """One Node process rendering batches of formulas; memo + disk cache."""

    def __init__(self, cache_dir: Path = CACHE_DIR, options: dict | None = None):
        if not (KATEX_DIR / "package.json").exists():
            raise RuntimeError("KaTeX is not installed (node_modules/katex missing): run `make setup` or `npm ci`.")
        self.version = katex_version()
        self.options = dict(OPTIONS if options is None else options)
        self.cache_path = cache_dir / f"katex-{self.version}-{self.signature()}.json"
        self.cache: dict[str, str] = {}
        if self.cache_path.exists():
            try:
                self.cache = json.loads(self.cache_path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self.cache = {}
        self._dirty = False
        self._proc: subprocess.Popen | None = None
        self._lock = threading.Lock()
        self.rendered = 0  # formulas actually sent to KaTeX (cache misses)
        self.processes_started = 0

    def signature(self) -> str:
        """Everything besides the formula that the output depends on (the cache file's name)."""
        parts = [self.version, json.dumps(self.options, sort_keys=True), SCRIPT.read_text(encoding="utf-8")]
        return hashlib.sha1("\x00".join(parts).encode()).hexdigest()[:12]

    @staticmethod
    def key(tex: str, display: bool) -> str:
        return hashlib.sha1(f"{int(display)}\x00{tex}".encode()).hexdigest()

    def _process(self) -> subprocess.Popen:
        if self._proc is None or self._proc.poll() is not None:
            node = shutil.which("node")
            if node is None:
                raise RuntimeError("node is required to render formulas at build time")
            self._proc = subprocess.Popen(
                [node, str(SCRIPT), json.dumps(self.options)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                cwd=ROOT,
                text=True,
                encoding="utf-8",
            )
            self.processes_started += 1
        return self._proc

    def render_many(self, items: list[tuple[str, bool]]) -> list[str | MathError]:
        """Render formulas; returns HTML strings, or MathError for unparsable ones."""
        results: list[str | MathError | None] = [None] * len(items)
        missing: list[int] = []
        for i, (tex, display) in enumerate(items):
            hit = self.cache.get(self.key(tex, display))
            if hit is not None:
                results[i] = hit
            else:
                missing.append(i)
        if missing:
            with self._lock:
                proc = self._process()
                batch = [[items[i][0], items[i][1]] for i in missing]
                proc.stdin.write(json.dumps(batch, ensure_ascii=False) + "\n")
                proc.stdin.flush()
                line = proc.stdout.readline()
            if not line:
                raise RuntimeError("the KaTeX renderer exited unexpectedly")
            answer = json.loads(line)
            if isinstance(answer, dict):
                raise RuntimeError(f"KaTeX renderer failed: {answer}")
            self.rendered += len(missing)
            for i, res in zip(missing, answer, strict=True):
                tex, display = items[i]
                if "html" in res:
                    results[i] = res["html"]
                    self.cache[self.key(tex, display)] = res["html"]
                    self._dirty = True
                else:
                    results[i] = MathError(tex, res["error"])
        return results  # type: ignore[return-value]

    def save(self) -> None:
        if not self._dirty:
            return
        self.cache_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.cache_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.cache, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.cache_path)
        self._dirty = False

    def close(self) -> None:
        self.save()
        if self._proc is not None:
            if self._proc.stdin:
                self._proc.stdin.close()
            self._proc.wait(timeout=10)
            self._proc = None


_renderer: KatexRenderer | None = None


def renderer() -> KatexRenderer:
    """The process-wide renderer (survives hook reloads under `mkdocs serve`)."""
    global _renderer
    if _renderer is None:
        _renderer = KatexRenderer()
        atexit.register(_renderer.close)
    return _renderer


def render_html(content: str, render=None) -> tuple[str, int, list[MathError]]:
    """Replace every arithmatex formula in ``content`` by KaTeX output (an inline formula that
    :func:`mathml_only` accepts by its MathML alone; lone scripts drawn by one span,
    :mod:`dlie.katexcompact`).

    Returns (new_content, number_of_formulas, errors)."""
    formulas = find_formulas(content)
    if not formulas:
        return content, 0, []
    render = render or renderer().render_many
    results = render([(f.tex, f.display) for f in formulas])
    out, pos, errors = [], 0, []
    for f, res in zip(formulas, results, strict=True):
        out.append(content[pos : f.start])
        if isinstance(res, MathError):
            errors.append(res)
            out.append(content[f.start : f.end])
        else:
            alone = None if f.display else mathml_only(res)
            out.append(markup.math_element(alone or katexcompact.compact(res)[0], f.display))
        pos = f.end
    out.append(content[pos:])
    return "".join(out), len(formulas), errors


# ---- formulas drawn from their MathML alone --------------------------------------------------
# KaTeX's output holds every formula twice: HTML that draws it (aria-hidden) and MathML that
# screen readers read (visually hidden). On a question page the two trees are most of the
# document, and the style, layout and paint work of a page load grows with its elements (issue
# #19: q6 has 6,043 elements, 3,546 of them KaTeX's). A short formula made of tokens alone
# (identifiers, numbers, operators, text: no scripts, fractions, roots, stretchy delimiters or
# big operators) is drawn by a browser's MathML as KaTeX draws it, provided each character gets
# KaTeX's font (extra.css: single-letter identifiers in italic KaTeX_Math, the rest in
# KaTeX_Main) and the space between characters is KaTeX's: such a formula is shipped as its
# MathML alone, one tree that screen readers read as before. ``mathml_only`` accepts a formula
# only when KaTeX's own HTML shows that it can: the same characters in the same fonts, and every
# space KaTeX puts between two characters given by an operator's lspace/rspace (written
# explicitly, as no two browsers' operator dictionaries agree) or by an <mspace>; KaTeX's italic
# corrections become margins. A browser test draws every such formula of the site both ways
# and compares each character's place, width and baseline.
SHORT_CHARS = 10  # longer formulas keep KaTeX's line breaks after relations and operators
MATHML_RE = re.compile(r'<span class="katex-mathml">(<math[^>]*>.*?</math>)</span>', re.S)
HTML_LAYER_RE = re.compile(r'<span class="katex-html" aria-hidden="true">(.*)</span></span>\s*$', re.S)
MATHML_TAG_RE = re.compile(r"<(/?)([a-z]+)((?:\s+[a-z:-]+=\"[^\"]*\")*)\s*(/?)>")
ATTR_RE = re.compile(r'([a-z:-]+)="([^"]*)"')
TOKENS = ("mi", "mn", "mo", "mtext", "mspace")
ATTR_SPACE_RE = re.compile(r'\s+(?:lspace|rspace|style)="[^"]*"')
MATHML_ATTRS = {
    "math": {"xmlns"},
    "semantics": set(),
    "mrow": set(),
    "mi": {"mathvariant", "style"},
    "mn": set(),
    "mo": {"stretchy", "separator", "lspace", "rspace"},
    "mtext": set(),
    "mspace": {"width"},
    "annotation": {"encoding"},
}
HTML_CLASSES = {"katex-base", "katex-strut", "mord", "mathnormal", "mathrm", "mrel", "mbin", "mopen"}
HTML_CLASSES |= {"mclose", "mpunct", "mspace", "text"}
EM_RE = re.compile(r"^(-?[0-9.]+)em$")
MATH_ITALIC, MAIN = "KaTeX_Math-Italic", "KaTeX_Main-Regular"


def _em(value: str) -> float | None:
    m = EM_RE.match(value.strip())
    return float(m.group(1)) if m else None


def _style(value: str) -> dict[str, str]:
    return dict(p.split(":", 1) for p in value.split(";") if ":" in p)


class _KatexLayer(HTMLParser):
    """KaTeX's visual layer as drawn characters: [char, font, space before (em), margin after
    (em: an italic correction)]; ``ok`` false on anything beyond tokens and spacing."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[set[str]] = []
        self.chars: list[list] = []
        self.space, self.bases, self.ok = 0.0, 0, True
        self.pending_margin: list[float] = []  # per open span: its margin-right, given to its last char

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = set((a.get("class") or "").split())
        style = _style(a.get("style") or "")
        if tag != "span" or not classes or classes - HTML_CLASSES or set(a) - {"class", "style"}:
            self.ok = False
        margin = 0.0
        if "katex-strut" in classes:
            self.ok &= set(style) <= {"height", "vertical-align"}
        elif "mspace" in classes:
            width = _em(style.get("margin-right", ""))
            self.ok &= set(style) == {"margin-right"} and width is not None
            self.space += width or 0.0
        elif style:  # only an italic correction, on a letter drawn in KaTeX_Math
            margin = _em(style.get("margin-right", "")) if set(style) == {"margin-right"} else None
            self.ok &= margin is not None and "mathnormal" in classes
            margin = margin or 0.0
        self.bases += "katex-base" in classes
        self.stack.append(classes | (self.stack[-1] if self.stack else set()))
        self.pending_margin.append(margin)

    def handle_endtag(self, tag):
        if self.stack:
            self.stack.pop()
            margin = self.pending_margin.pop()
            if margin and self.chars:
                self.chars[-1][3] += margin

    def handle_data(self, data):
        classes = self.stack[-1] if self.stack else set()
        for c in data.replace("\u200b", ""):
            self.chars.append([c, MATH_ITALIC if "mathnormal" in classes else MAIN, self.space, 0.0])
            self.space = 0.0


def _mathml_tokens(mathml: str) -> list[tuple[str, dict, str]] | None:
    """The tokens of a MathML formula made of tokens alone, in order: (tag, attributes, text);
    None for anything else."""
    tokens: list[tuple[str, dict, str]] = []
    depth_rows = 0
    pos = 0
    annotation = False
    for m in MATHML_TAG_RE.finditer(mathml):
        text = mathml[pos : m.start()]
        pos = m.end()
        closing, tag, attrs, selfclosing = m.group(1), m.group(2), dict(ATTR_RE.findall(m.group(3))), m.group(4)
        if text.strip() and not annotation:
            if not tokens or tokens[-1][2] is not None:
                return None  # text outside a token element
            t, a, _ = tokens[-1]
            tokens[-1] = (t, a, html.unescape(text))
        if tag not in MATHML_ATTRS or set(attrs) - MATHML_ATTRS[tag]:
            return None
        if tag == "annotation":
            annotation = not closing
            continue
        if tag == "mrow":
            depth_rows += -1 if closing else 1
            if depth_rows > 1:
                return None  # nested rows: not needed by the formulas accepted
            continue
        if tag in ("math", "semantics") or closing:
            continue
        if attrs.get("mathvariant", "normal") != "normal" or attrs.get("stretchy", "false") != "false":
            return None
        if tag == "mspace":
            if _em(attrs.get("width", "")) is None:
                return None
            tokens.append((tag, attrs, ""))
            continue
        tokens.append((tag, attrs, "" if selfclosing else None))
    if any(text is None or (tag != "mspace" and not text) for tag, _, text in tokens):
        return None
    return tokens


def mathml_only(rendered: str) -> str | None:
    """The formula's MathML alone, when a browser draws it as KaTeX's HTML does (see the comment
    above); None otherwise. KaTeX's TeX annotation stays; every operator gets KaTeX's spacing as
    explicit ``lspace``/``rspace`` (no browser's operator dictionary is relied on) and every
    italic letter KaTeX's italic correction as a margin."""
    mm, hm = MATHML_RE.search(rendered), HTML_LAYER_RE.search(rendered)
    if not mm or not hm or rendered.count("<math") != 1:
        return None
    tokens = _mathml_tokens(mm.group(1))
    layer = _KatexLayer()
    layer.feed(hm.group(1))
    layer.close()
    if not tokens or not layer.ok or not layer.chars:
        return None
    if len(layer.chars) > SHORT_CHARS and layer.bases != 1:
        return None
    # the MathML's characters in order: (char, font, token index, MathML space before it)
    drawn, space = [], 0.0
    for i, (tag, attrs, text) in enumerate(tokens):
        if tag == "mspace":
            space += _em(attrs["width"])
            continue
        if tag == "mi" and len(text) > 1 and "mathvariant" not in attrs:
            return None  # a multi-letter identifier: upright in MathML, italic in extra.css
        font = MATH_ITALIC if tag == "mi" and "mathvariant" not in attrs else MAIN
        for j, c in enumerate(text):
            drawn.append((c, font, i, space if j == 0 else 0.0))
        space = 0.0
    if len(drawn) != len(layer.chars) or space or layer.space:
        return None
    lspace: dict[int, float] = {i: 0.0 for i, t in enumerate(tokens) if t[0] == "mo"}
    rspace = dict(lspace)
    margins: dict[int, float] = {}
    prev = None  # token index of the previous character
    for (c, font, i, mspace), (kc, kfont, kgap, kmargin) in zip(drawn, layer.chars, strict=True):
        if c != kc or font != kfont:
            return None
        need = kgap - mspace  # what operator spacing must add between the two characters
        if need < -1e-3 or (i == prev and abs(need) > 1e-3):
            return None
        if need > 1e-3:
            if prev in rspace:
                rspace[prev] = need
            elif i in lspace:
                lspace[i] = need
            else:
                return None  # space between two non-operators that no <mspace> gives
        if kmargin:
            if tokens[i][0] != "mi" or len(tokens[i][2]) != 1:
                return None
            margins[i] = kmargin
        prev = i
    counter = iter(range(len(tokens)))

    def token(m):  # one token element's start tag, with KaTeX's spacing
        if m.group(1) or m.group(2) not in TOKENS:
            return m.group(0)
        i, start = next(counter), ATTR_SPACE_RE.sub("", m.group(0)[:-1].rstrip("/"))
        if i in lspace:  # and no stretching: an arrow is stretchy in MathML's dictionary
            stretchy = "" if 'stretchy="' in start else ' stretchy="false"'
            return start + f'{stretchy} lspace="{lspace[i]:.4g}em" rspace="{rspace[i]:.4g}em">'
        if i in margins:
            return start + f' style="margin-right:{margins[i]:.4g}em">'
        return m.group(0)

    return MATHML_TAG_RE.sub(token, mm.group(1))


WOFF2_SRC_RE = re.compile(r"src:\s*url\((fonts/[^)]+\.woff2)\)\s*format\(\"woff2\"\)[^;}]*")


def woff2_only_css(css: str) -> str:
    """KaTeX's CSS lists woff2, woff and ttf sources; we ship woff2 only."""
    return WOFF2_SRC_RE.sub(lambda m: f'src:url({m.group(1)}) format("woff2")', css)


TAG_RE = re.compile(r"<[^>]+>")
# the visible part of KaTeX output (the MathML copy is for screen readers, not drawn with these fonts)
VISIBLE_RE = re.compile(r'<span class="katex-html" aria-hidden="true">(.*?)</katex-math>', re.S)


# a formula shipped as its MathML alone (mathml_only): drawn from its MathML tokens
MATHML_ONLY_RE = re.compile(r'<katex-math class="math-inline"[^>]*>(<math[^>]*>.*?</math>)</katex-math>', re.S)


def mathml_only_chars(content: str) -> dict[str, set[str]]:
    """For each KaTeX font, the characters the MathML-only formulas in ``content`` draw with it
    (extra.css: single-letter identifiers in KaTeX_Math italic, every other token in KaTeX_Main)."""
    out: dict[str, set[str]] = {}
    for m in MATHML_ONLY_RE.finditer(content):
        for tag, attrs, text in _mathml_tokens(m.group(1)) or []:
            font = MATH_ITALIC if tag == "mi" and "mathvariant" not in attrs else MAIN
            out.setdefault(font, set()).update(text)
    return out


def formula_chars(content: str) -> set[str]:
    """Every character shown by the rendered formulas in ``content``."""
    chars: set[str] = set()
    for m in VISIBLE_RE.finditer(content):
        chars.update(html.unescape(TAG_RE.sub("", m.group(1))))
    for drawn in mathml_only_chars(content).values():
        chars.update(drawn)
    return chars


# ---- which font draws which character -------------------------------------------------------
# KaTeX picks a font per span by class (.mathnormal → KaTeX_Math italic, .mathbf → KaTeX_Main
# bold, .delimsizing.size2 → KaTeX_Size2, …). Subsetting every font to every formula character
# of the site made each of the ~10 fonts a page draws with carry glyphs it never shows (KaTeX_Main-
# Bold held the whole alphabet for a few bold symbols). Each font now gets the characters of the
# spans that may be drawn with it: any span whose own or ancestor classes select that family,
# weight or style (a superset, so no glyph is ever missing); KaTeX_Main-Regular, the default, gets
# every character.
RULE_RE = re.compile(r"([^{}]+)\{([^{}]*)\}")
CLASS_RE = re.compile(r"\.([A-Za-z0-9_-]+)")


@dataclass(frozen=True)
class FontRule:
    classes: frozenset[str]  # all must be on the span or its ancestors
    family: str | None  # "Main", "Math", "Size1", …
    bold: bool
    italic: bool


def font_rules(css: str) -> list[FontRule]:
    """KaTeX's CSS rules that choose a font family, weight or style by class."""
    rules = []
    for m in RULE_RE.finditer(css):
        selectors, body = m.group(1), m.group(2)
        if "@" in selectors or not ("font-family:KaTeX_" in body or "font-weight" in body or "font-style" in body):
            continue
        family = re.search(r"font-family:KaTeX_([A-Za-z0-9]+)", body)
        bold = bool(re.search(r"font-weight:(?:bold|700)", body))
        italic = "font-style:italic" in body
        if not (family or bold or italic):
            continue
        for selector in selectors.split(","):
            classes = frozenset(CLASS_RE.findall(selector.replace(".katex ", " ", 1))) - {"katex"}
            if classes:
                rules.append(FontRule(classes, family.group(1) if family else None, bold, italic))
    return rules


def font_names(ancestor_classes: set[str], rules: list[FontRule]) -> set[str]:
    """Every KaTeX font a span with these (own and ancestor) classes may be drawn with."""
    families, bold, italic = {"Main"}, {False}, {False}
    for rule in rules:
        if rule.classes <= ancestor_classes:
            if rule.family:
                families.add(rule.family)
            bold.add(rule.bold or False)
            italic.add(rule.italic or False)
            if rule.bold:
                bold.add(True)
            if rule.italic:
                italic.add(True)
    variants = {
        (b, i): "BoldItalic" if b and i else "Bold" if b else "Italic" if i else "Regular" for b in bold for i in italic
    }
    return {f"KaTeX_{f}-{v}" for f in families for v in variants.values()}


class _FontChars(HTMLParser):
    def __init__(self, rules):
        super().__init__(convert_charrefs=True)
        self.rules, self.stack, self.chars = rules, [], {}

    def handle_starttag(self, tag, attrs):
        classes = set((dict(attrs).get("class") or "").split())
        self.stack.append(classes | (self.stack[-1] if self.stack else set()))

    def handle_endtag(self, tag):
        if self.stack:
            self.stack.pop()

    def handle_data(self, data):
        text = data.strip()
        if not text:
            return
        for name in font_names(self.stack[-1] if self.stack else set(), self.rules):
            self.chars.setdefault(name, set()).update(text)


_RULES: list[FontRule] = []


def chars_by_font(content: str) -> dict[str, set[str]]:
    """For each KaTeX font (``KaTeX_Main-Bold``…), the characters the formulas in ``content``
    may draw with it; KaTeX_Main-Regular gets every formula character."""
    if not _RULES:
        _RULES.extend(font_rules((KATEX_DIR / "dist" / "katex.min.css").read_text(encoding="utf-8")))
    out = mathml_only_chars(content)
    for m in VISIBLE_RE.finditer(content):
        parser = _FontChars(_RULES)
        parser.feed(m.group(1))
        for name, chars in parser.chars.items():
            out.setdefault(name, set()).update(chars)
    everything = formula_chars(content)
    if everything:
        out.setdefault("KaTeX_Main-Regular", set()).update(everything)
    return out


def subset_font(src: Path, chars: set[str]) -> bytes:
    """The woff2 font reduced to the glyphs of ``chars`` (fontTools). Read from KaTeX's TTF
    copy of the font when there is one: the same glyphs, without decoding woff2 (3x faster)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    # KaTeX's TTFs store Unix timestamps where the format wants 1904-based ones: fontTools
    # notices, says so on every font, and reads them right anyway
    logging.getLogger("fontTools.ttLib.tables._h_e_a_d").setLevel(logging.ERROR)
    ttf = src.with_suffix(".ttf")
    font = TTFont(str(ttf if ttf.is_file() else src), recalcTimestamp=False)  # reproducible output
    opts = subset.Options()
    opts.flavor = "woff2"
    opts.layout_features = ["*"]
    sub = subset.Subsetter(opts)
    sub.populate(text="".join(sorted(chars)))
    sub.subset(font)
    out = io.BytesIO()
    font.flavor = "woff2"
    font.save(out)
    return out.getvalue()


def append_css(stylesheet: str | Path) -> None:
    """Append KaTeX's CSS (woff2 sources only, font URLs re-based from assets/stylesheets/)
    to the site's own stylesheet: one request fewer on every page with math."""
    stylesheet = Path(stylesheet)
    css = woff2_only_css((KATEX_DIR / "dist" / "katex.min.css").read_text(encoding="utf-8"))
    css = css.replace("url(fonts/", "url(../katex/fonts/")
    text = stylesheet.read_text(encoding="utf-8")
    marker = "/* KaTeX " + katex_version() + " */"
    if marker not in text:
        stylesheet.write_text(text + "\n" + marker + "\n" + css + "\n", encoding="utf-8")


def install_assets(site_dir: str | Path, chars: dict[str, set[str]] | None = None, cache_dir: Path = CACHE_DIR) -> Path:
    """Copy KaTeX's woff2 fonts into site_dir/assets/katex/fonts.

    With ``chars`` (for each font, the characters the site's formulas draw with it:
    :func:`chars_by_font`), each font is subset to its characters: a reader downloads a few KB per
    font instead of the whole font. A font no formula uses is shipped empty. Subsets are cached."""
    dest = Path(site_dir) / "assets" / "katex"
    (dest / "fonts").mkdir(parents=True, exist_ok=True)
    signature = json.dumps({k: "".join(sorted(v)) for k, v in sorted((chars or {}).items())}, ensure_ascii=False)
    key = hashlib.sha1(signature.encode()).hexdigest()[:16] if chars else None
    cached = cache_dir / f"fonts-{katex_version()}-{key}" if key else None
    for font in sorted((KATEX_DIR / "dist" / "fonts").glob("*.woff2")):
        if not chars:
            shutil.copyfile(font, dest / "fonts" / font.name)
            continue
        hit = cached / font.name
        if not hit.exists():
            hit.parent.mkdir(parents=True, exist_ok=True)
            hit.write_bytes(subset_font(font, chars.get(font.stem, set()) or {" "}))
        shutil.copyfile(hit, dest / "fonts" / font.name)
    return dest


# The fonts a page's formulas draw with are preloaded from <head>, so they arrive with the
# first layout instead of being discovered by it: each font discovered late made the browser
# restyle every font-relative element of the page's formulas when it arrived (~840 elements on
# question 24, a style pass of 59-168 ms on a mobile profile, one per late font), and made
# formulas reflow. Which fonts: each text node of KaTeX's drawing resolved through KaTeX's CSS
# (dlie.fontcascade), and the fonts of formulas shipped as MathML alone (extra.css: identifiers
# in KaTeX_Math italic, other tokens in KaTeX_Main); the MathML copy that screen readers read is
# drawn in the browser's math font and loads none. A browser test compares these with the fonts
# each page of the site requests.
@functools.cache
def _katex_css() -> tuple[list[fontcascade.Rule], dict[str, dict[tuple[str, str], str]]]:
    css = (KATEX_DIR / "dist" / "katex.min.css").read_text(encoding="utf-8")
    return fontcascade.parse_rules(css), fontcascade.parse_faces(css)


@functools.lru_cache(maxsize=8192)  # a formula recurs on its question page and the printable edition
def drawing_faces(drawing: str) -> frozenset[str]:
    """The KaTeX font files that draw the text of one formula's drawing (``.katex-html``)."""
    rules, faces = _katex_css()
    fonts = fontcascade.fonts_of(drawing, rules, context=frozenset({"katex", "katex-html"}))
    return frozenset(fontcascade.face_names(fonts, faces))


DETAILS_RE = re.compile(r"<details\b([^>]*)>|</details>")


def without_closed_details(page_html: str) -> str:
    """The page without the insides of its closed ``<details>`` (follow-up questions: the browser
    lays them out, and loads their fonts, when a reader opens one), summaries kept."""
    out, pos, depth = [], 0, 0  # depth: how many closed <details> the scan is inside
    for m in DETAILS_RE.finditer(page_html):
        opening = m.group(0) != "</details>"
        if depth == 0:
            out.append(page_html[pos : m.end()])
        if opening and (depth or not re.search(r"(?:^|\s)open(?:[\s=>]|$)", m.group(1))):
            depth += 1
            summary = re.match(r"\s*<summary\b.*?</summary>", page_html[m.end() :], re.S)
            if depth == 1 and summary:
                out.append(summary.group(0))
        elif not opening and depth:
            depth -= 1
            if depth == 0:
                out.append(m.group(0))
        pos = m.end()
    if depth == 0:
        out.append(page_html[pos:])
    return "".join(out)


def fonts_to_preload(page_html: str) -> list[str]:
    """The KaTeX fonts a rendered page draws when it loads (closed ``<details>`` left out):
    KaTeX_Math-Italic and KaTeX_Main-Regular (the workhorses) first, then the others by name."""
    page_html = without_closed_details(page_html)
    drawn = set(mathml_only_chars(page_html))
    for m in VISIBLE_RE.finditer(page_html):
        drawn |= drawing_faces(m.group(1))
    return sorted(drawn, key=lambda name: (name not in (MATH_ITALIC, MAIN), name != MATH_ITALIC, name))


STYLESHEET_HREF_RE = re.compile(r'<link rel="stylesheet" href="([^"]*?)assets/stylesheets/extra\.css[^"]*">')


def add_font_preloads(page_html: str) -> str:
    """Insert ``<link rel=preload>`` for :func:`fonts_to_preload` before the site stylesheet,
    with URLs relative to the page like the stylesheet's own."""
    fonts = fonts_to_preload(page_html)
    m = STYLESHEET_HREF_RE.search(page_html)
    if not fonts or not m:
        return page_html
    tag = '<link rel="preload" href="{}assets/katex/fonts/{}.woff2" as="font" type="font/woff2" crossorigin>'
    links = "".join(tag.format(m.group(1), name) for name in fonts)
    return page_html[: m.start()] + links + page_html[m.start() :]
