"""Figures from code: one small function per figure, grouped by question (``q06.py`` holds
question 6's figures), rendered to inline SVG in every site language (pure functions, no MkDocs).

A figure function is registered with :func:`figure` and draws on a matplotlib ``Figure`` with
labels from its module's ``LABELS`` table, one entry per language::

    LABELS = {"zh": {"out": "输出"}, "en": {"out": "output"}}

    @figure("q06/stride", size=(6.4, 3.2))
    def stride(fig, t):          # t["out"] is the label in the language being rendered
        ax = fig.add_axes((0.05, 0.1, 0.9, 0.8))
        ...

Numbers come from the same functions the page's runnable code asserts (``dlie.nn``), never
typed by hand. Colours are roles (``style.C``); gids starting with ``fact-`` become classes that
tests read back from the SVG. A page places a figure with one Markdown line,
``![alt text](figure:q06/stride "caption")`` (see ``dlie.markup``).
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import io
import pkgutil
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from dlie.figures import style

KEY_RE = re.compile(r"^(q\d{2}|site)/[a-z0-9]+(?:-[a-z0-9]+)*$")
# figure modules: qNN.py (question NN's figures) and site.py (figures of the other pages)
MODULE_RE = re.compile(r"^(q\d{2}|site)$")
DOCS = Path(__file__).resolve().parents[3] / "docs"  # figures drawn from content read it here


class FigureError(ValueError):
    """A figure that cannot be rendered; the message names the figure (and language)."""


@dataclass(frozen=True)
class FigureSpec:
    key: str  # "q06/stride"
    func: Callable
    module: str  # "dlie.figures.q06"
    size: tuple[float, float]  # inches at 72 dpi: 1 inch = 72 CSS px
    inputs: tuple[str, ...] = ()  # content files it is drawn from (globs under docs/): part of its cache key


REGISTRY: dict[str, FigureSpec] = {}


def figure(key: str, size: tuple[float, float] = (6.4, 3.6), inputs: tuple[str, ...] = ()):
    """Register a figure function under ``key`` ("qNN/name", NN = its module's question; "site/name"
    for a figure of another page, in site.py). ``inputs``: the content files under docs/ that the
    figure reads (e.g. ``("concepts.yml", "questions/*.md")``), so that editing them redraws it."""

    def register(func):
        if not KEY_RE.match(key):
            raise FigureError(f"figure key {key!r} is not of the form 'qNN/kebab-name' or 'site/kebab-name'")
        module = func.__module__
        if module.rsplit(".", 1)[-1] != key.split("/")[0]:
            raise FigureError(f"figure {key!r} is defined in {module}: it belongs in dlie.figures.{key.split('/')[0]}")
        if key in REGISTRY and REGISTRY[key].func.__qualname__ != func.__qualname__:
            raise FigureError(f"figure {key!r} is defined twice")
        REGISTRY[key] = FigureSpec(key, func, module, size, tuple(inputs))
        return func

    return register


def load_all() -> dict[str, FigureSpec]:
    """Import every ``qNN`` module of this package (registering its figures)."""
    for info in pkgutil.iter_modules(__path__):
        if MODULE_RE.match(info.name):
            importlib.import_module(f"{__name__}.{info.name}")
    return REGISTRY


def spec(key: str) -> FigureSpec:
    load_all()
    if key not in REGISTRY:
        known = ", ".join(sorted(k for k in REGISTRY if k.split("/")[0] == key.split("/")[0])) or "none"
        raise FigureError(f"unknown figure {key!r} (figures of {key.split('/')[0]}: {known})")
    return REGISTRY[key]


def source_signature(key: str, docs: Path | None = None) -> str:
    """What a figure's SVG depends on besides its language: its module's source, every shared
    module of this package (style, drawing helpers, this renderer), the shared formulas and the
    library versions (the cache key). A figure module that imports another question's module
    (never needed: shared code goes in a helper module) would not be covered."""
    s = spec(key)
    here = Path(__file__).resolve().parent
    shared = sorted(p for p in here.glob("*.py") if not MODULE_RE.match(p.stem) and p.stem not in ("pages", "preview"))
    parts = [
        inspect.getsource(importlib.import_module(s.module)),
        *(p.read_text(encoding="utf-8") for p in shared),  # style, drawing helpers, this renderer
        (here.parent / "nn.py").read_text(encoding="utf-8"),
        *(f"{lib} {version(lib)}" for lib in ("matplotlib", "numpy")),
        *(
            f"{f.relative_to(docs or DOCS)}\n{f.read_text(encoding='utf-8')}"
            for pattern in s.inputs
            for f in sorted((docs or DOCS).glob(pattern))
        ),
    ]
    return hashlib.sha1("\n\x00".join(parts).encode()).hexdigest()


class Labels:
    """A figure's labels in one language; a missing label names the figure and language."""

    def __init__(self, table: dict, lang: str, key: str, docs: Path | None = None, langs: tuple[str, ...] = ()):
        if lang not in table:
            raise FigureError(f"figure {key}: its module's LABELS has no '{lang}' table")
        self.table, self.lang, self.key = table[lang], lang, key
        self.docs = docs or DOCS  # the content a figure drawn from content reads (its ``inputs``)
        self.langs = langs or (lang,)  # every language of the site

    def __getitem__(self, name: str) -> str:
        try:
            return self.table[name]
        except KeyError:
            raise FigureError(f"figure {self.key}: no '{self.lang}' label {name!r}") from None


def render(key: str, lang: str, docs: Path | None = None, langs: tuple[str, ...] = ()) -> style.CleanSvg:
    """The figure ``key`` drawn with its ``lang`` labels, as inline SVG. Raises FigureError."""
    import matplotlib

    matplotlib.use("svg", force=False)
    from matplotlib.figure import Figure

    s = spec(key)
    module = importlib.import_module(s.module)
    labels = Labels(getattr(module, "LABELS", {}), lang, key, docs, langs or ("zh", "en"))
    buf = io.StringIO()
    try:
        with style.rc_context(), warnings.catch_warnings():
            # DejaVu Sans has no CJK glyphs; it only measures text here (the page's font draws it)
            warnings.filterwarnings("ignore", message="Glyph .* missing from font")
            fig = Figure(figsize=s.size, dpi=72)
            s.func(fig, labels)
            fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    except FigureError:
        raise
    except Exception as e:  # a figure source that raises: name it
        raise FigureError(f"figure {key} ({lang}) failed: {type(e).__name__}: {e}") from e
    try:
        return style.clean_svg(buf.getvalue(), "fig-" + key.replace("/", "-"))
    except style.FigureStyleError as e:
        raise FigureError(f"figure {key} ({lang}): {e}") from None


TEXT_RE = re.compile(r"<text\b[^>]*>(.*?)</text>", re.S)
CJK_RE = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")
WORD_RE = re.compile(r"[A-Za-z]{4,}")


def svg_texts(svg: str) -> list[str]:
    """The text of every ``<text>`` element (tags inside stripped, entities kept as is)."""
    import html

    return [html.unescape(re.sub(r"<[^>]+>", "", m.group(1))).strip() for m in TEXT_RE.finditer(svg)]


def untranslated(texts: list[str], lang: str, keep: set[str]) -> list[str]:
    """Texts of a figure that belong to another language: Chinese in a non-Chinese figure; in a
    Chinese figure, English words (4+ letters) that are not symbols or identifiers in ``keep``."""
    bad = []
    for text in texts:
        if not lang.startswith("zh"):
            if CJK_RE.search(text):
                bad.append(text)
        elif any(w.casefold() not in keep for w in WORD_RE.findall(text)):
            bad.append(text)
    return bad


def keep_words(key: str) -> set[str]:
    """Latin words a Chinese figure may show (symbols, code identifiers, model names): its
    module's ``KEEP`` set, case-folded."""
    module = importlib.import_module(spec(key).module)
    return {w.casefold() for w in getattr(module, "KEEP", ())}
