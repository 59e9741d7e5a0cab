"""Search, one index per language (pure functions; Material's search plugin builds the index).

static-i18n merges every language into ``search/search_index.json``. After the last language is
built, :func:`split_index` splits it: the default language's entries stay at ``search/``, each
other language's go to ``<lang>/search/`` (locations relative to that language's root, where
``i18npages.set_search_base`` points Material's search). Each index gets a pipeline that keeps
English terms and abbreviations searchable: no stemmer on a Chinese side (it breaks English
words), jieba-segmented Chinese tokens split on the zero-width spaces Material inserts.

While Material indexes a page (:func:`index_view`), the interface the build generates
(``markup.search_off`` regions), highlighted code and figure drawings are placeholders without
text, and each formula is a placeholder holding its plain-text form (``dlie.mathtext``): the
index holds the page's content, readable, and Material's parser skips most of the page's markup.
When the indexes are split, each entry is refined (:func:`refine_doc`, :func:`index_extras`):
the glossary's names and aliases of the concepts a question explains become search keys of its
one-line answer (fields Material searches but does not show: ``concepts``, ``joined``), each
concept's entry in the concept index gets its own, tag ids become the reader's labels on the
page entry only, and the one-line answer is boosted.

Queries: the separator splits Latin or digit runs from Chinese (``BN层``); the override in
``overrides/main.html`` drops English function words, searches single letters exactly and adds a
one-edit fuzzy variant of each longer Latin word before Material's worker sees the query
(checked by :func:`canary`); :func:`patch_worker` fixes the worker's Chinese segmentation.
"""

from __future__ import annotations

import html
import re

from dlie import markup, mathtext

# Word separators of the index and of queries (Material splits both with it). Besides spaces and
# punctuation of both languages, a run of Latin letters or digits glued to Chinese is split from
# it (zero-width, as Material's own camelCase example does), so 3x3卷积核 and BN层 are two words each.
_SCRIPT_EDGE = r"(?<=[A-Za-z0-9])(?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff])(?=[A-Za-z0-9])"
SEPARATOR = r"[\s\u200b\u3000\-–—·、。，．？！；：（）「」《》“”‘’\",.;:!?()\[\]/]+|" + _SCRIPT_EDGE
# quotes too: ("patchify") is the word patchify
SEPARATOR_EN = r"[\s\u200b\u3000\-–—·,.;:!?()\[\]/、。，？！；：（）\"“”‘’]+|" + _SCRIPT_EDGE
# Field weights: a title and the search keys (the glossary's names and aliases of the concepts
# a question explains) say what a page is about; the keys run together (batchnorm) less, as they
# repeat a word of the name; tags (the reader's labels) and the text only that it touches the
# subject.
FIELDS = {
    "title": {"boost": 1000.0},
    "concepts": {"boost": 1000.0},
    "joined": {"boost": 200.0},
    "tags": {"boost": 50.0},
    "text": {"boost": 1.0},
}
INDEX_CONFIG = {
    "zh": {"separator": SEPARATOR, "pipeline": []},
    "default": {"separator": SEPARATOR_EN, "pipeline": ["stopWordFilter"]},
}
ANSWER_BOOST = 2.0  # a question's one-line answer: what the page says first, and best

HEAVY_RE = re.compile(
    "|".join(
        (
            markup.SEARCH_OFF_RE.pattern,  # interface: badges, study controls, generated lists
            markup.MATH_ELEMENT_RE.pattern,  # rendered formulas (dozens of tags each)
            r'<div class="(?:[\w-]+ )*highlight">.*?</div>',  # highlighted code (a tag per token)
            r'<div class="fig-scroll"[^>]*><svg.*?</svg></div>',  # figure drawings (the caption stays)
        )
    ),
    re.S,
)
TEX_ANNOTATION_RE = re.compile(r'<annotation encoding="application/x-tex">(.*?)</annotation>', re.S)


def index_config(lang: str) -> dict:
    conf = INDEX_CONFIG["zh"] if lang.startswith("zh") else INDEX_CONFIG["default"]
    return {"lang": [lang], **conf, "fields": FIELDS}


def formula_text(fragment: str) -> str:
    """The plain-text form of a rendered formula (from the TeX source KaTeX keeps in its MathML)."""
    m = TEX_ANNOTATION_RE.search(fragment)
    return mathtext.plain(html.unescape(m.group(1))) if m else ""


def index_view(content: str) -> tuple[str, list[str]]:
    """The page as Material's indexer should read it: interface regions, code blocks and figure
    drawings swapped for empty numbered placeholders, formulas for placeholders holding their
    plain-text form. Returns (content, fragments); :func:`restore` puts the fragments back."""
    fragments: list[str] = []

    def repl(m):
        fragment = m.group(0)
        fragments.append(fragment)
        text = formula_text(fragment) if fragment.startswith(markup.MATH_TAG) else ""
        if text and 'class="math-display"' in fragment:
            text = f" {text} "
        return markup.search_skip(len(fragments) - 1, text)

    return HEAVY_RE.sub(repl, content), fragments


def restore(output: str, fragments: list[str]) -> str:
    return markup.SEARCH_SKIP_RE.sub(lambda m: fragments[int(m.group(1))], output)


CJK_RE = re.compile(r"[\u4e00-\u9fff]")
TIMES_RE = re.compile(r"(?<=\d)\s?[×✕]\s?(?=\d)")  # 3×3, 224 × 224: written as readers type them (3x3)
WORDS_RE = re.compile(r"[\s\-–—_/·]+")


def jieba_user_dict(g, lang: str = "zh") -> str:
    """jieba user-dictionary lines for every Chinese concept name and alias, so that terms such
    as 卷积核, 批归一化 or 梯度消失 are indexed as one word (and match a query typed as one)."""
    terms = sorted({t for c in g.concepts.values() for t in c.terms(lang) if CJK_RE.search(t) and " " not in t})
    return "".join(f"{t} 100000 n\n" for t in terms)


def term_keys(term: str) -> tuple[list[str], list[str]]:
    """The words under which a concept name or alias is found, as a reader may type it:
    (its words, its words run together). Words: any case; spaces, hyphens and dashes separate
    them, a Chinese run is one word (批归一化) apart from Latin letters or digits glued to it, and
    ``×`` between digits is ``x`` (``1x1``). Run together: ``batch normalization`` →
    ``batchnormalization`` (for a name of several Latin words)."""
    term = TIMES_RE.sub("x", term.casefold())
    words = [w for w in WORDS_RE.split(term) if w]
    keys = []
    for w in words:
        keys += [p for p in re.split(r"(?<=[a-z0-9])(?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff])(?=[a-z0-9])", w) if p]
    joined = ["".join(words)] if len(words) > 1 and not any(CJK_RE.search(w) for w in words) else []
    return keys, joined


def concept_keys(g, cids, langs) -> dict[str, str]:
    """Search keys of the concepts ``cids`` (their names and aliases in ``langs``), each word
    once: {"concepts": the words, "joined": the names of several words run together}. The run-
    together forms have a field of their own, with less weight: every one of them starts with a
    word of the name, and a query for that word (dense*) would otherwise count each again."""
    words: dict[str, None] = {}
    joined: dict[str, None] = {}
    for cid in cids:
        c = g.concepts[cid]
        for lang in langs:
            for term in c.terms(lang):
                w, j = term_keys(term)
                words.update(dict.fromkeys(w))
                joined.update(dict.fromkeys(j))
    return {"concepts": " ".join(words), "joined": " ".join(k for k in joined if k not in words)}


def index_extras(b, lang: str) -> dict[str, dict]:
    """What the build adds to Material's entries of one language (keyed by location relative to
    the language's root): a question's page entry gets its tags as the reader's labels; its
    one-line answer the search keys of the concepts its front matter lists (the snippet a
    reader then sees is that answer) and a boost; each concept of the concept index its own
    keys. Keys are the reader's language's names and aliases (the Chinese index also the
    English ones: Chinese readers type them too)."""
    g, langs = b.glossary, b.langs
    key_langs = [lang] + ([x for x in langs.codes if x != lang] if lang.startswith("zh") else [])
    answer = markup.heading_id(b.ui[lang]["sections"][1])
    out: dict[str, dict] = {}
    for slug, meta in b.metas.items():
        page = f"questions/{slug}/"
        out[page] = {"tags": [g.tags[t][lang] for t in meta["tags"]]}
        out[f"{page}#{answer}"] = {**concept_keys(g, meta["concepts"], key_langs), "boost": ANSWER_BOOST}
    for cid in g.concepts:
        out[f"concepts/#{cid}"] = concept_keys(g, [cid], key_langs)
    return out


def refine_doc(doc: dict, extra: dict | None) -> dict:
    """One index entry as the reader should find and see it: no tag ids (Material gives every
    section of a page its front matter's tags; labels are set on the page entry only), ``×``
    between digits as ``x``, and the build's extras (search keys, tags, boost)."""
    doc = {k: v for k, v in doc.items() if k != "tags"}
    for field in ("title", "text"):
        doc[field] = TIMES_RE.sub("x", doc[field])
    if extra:
        doc.update(extra)
    return doc


def split_index(index: dict, langs, extras: dict[str, dict[str, dict]] | None = None) -> dict[str, dict]:
    """Split a merged Material search index into one index per language (``langs``: Languages);
    ``extras``: per language, :func:`index_extras`."""
    out = {}
    for lang in langs.codes:
        prefix = langs.prefix(lang)
        extra = (extras or {}).get(lang, {})
        docs = []
        for doc in index["docs"]:
            loc = doc["location"]
            if langs.of_url(loc) == lang:
                loc = loc[len(prefix) :]
                docs.append(refine_doc({**doc, "location": loc}, extra.get(loc)))
        out[lang] = {"config": {**index["config"], **index_config(lang)}, "docs": docs}
    return out


# ---- jieba segmentation memo (a patch of Material's search plugin) ----------------------------
# Material segments every Chinese run of every page with jieba (its dictionary takes ~0.7 s to
# load, then every run is cut): the segmentations are memoised by text in .cache/search/, and
# jieba is loaded only when a text is not cached. Measured value: see `make bench`.
_jieba_dicts: set[str] = set()  # user dictionaries already given to jieba (process-wide, as jieba is)


def jieba_ready(user_dict: str) -> None:
    """Load jieba with our user dictionary (once per process and dictionary)."""
    import io

    import jieba

    if user_dict not in _jieba_dicts:
        jieba.load_userdict(io.StringIO(user_dict))
        _jieba_dicts.add(user_dict)


def memoised_segment(original, state_of):
    """``SearchIndex._segment_chinese`` answered from ``state_of()`` = (memo, user dictionary)
    of the current build, or computed by Material's original when no build is running."""

    def segment(self, data):
        state = state_of()
        if state is None:
            return original(self, data)
        memo, user_dict = state

        def compute(text):
            jieba_ready(user_dict)
            return original(self, text)

        return memo.get(data, compute)

    return segment


# ---- Material's search worker: Chinese query segmentation (a patch of its built script) -------
# Material's worker cuts every Chinese run of a query into words of the index (segment() in its
# source, "experimental") and joins the words with "* " before it adds a "*" to every word. Two
# faults, each fixed here in the built script:
# 1. The inner loop of segment() stops one character short: it never tries a word that ends
#    where the run ends. A query that is one indexed word (梯度消失, 过拟合, 深度学习) is cut to its
#    first word, which then matches as a prefix (梯度*: every word that starts with 梯度), and a
#    two-character query to its first character (池化 → 池*). The bound becomes <=.
# 2. The joined words end in "**": Material then counts them as missing from every result (its
#    "missing" line shows 感受野*, struck through) and ranks by the last word alone (感受野怎么算
#    ranked pages about 怎么 first). The words are joined with " ".
# Measured with the concept queries of the glossary and the quality set (tests/test_browser.py,
# README): the tests fail if either fix is lost.
SEGMENT_LOOP_RE = re.compile(r"for\(let (\w+)=(\w+)\+1;\1<(=?)(\w+)\.length;\1\+\+\)\4\.slice\(\2,\1\)in \w+")
SEGMENT_JOIN_RE = re.compile(
    r'(\.replace\(new RegExp\("\\\\p\{sc=Han\}\+","gu"\),\w+=>'
    r'\[\.\.\.\w+\(\w+,this\.index\.invertedIndex\)\]\.join\(")(\*? )("\))'
)


def fix_segmentation(js: str) -> tuple[str, int]:
    """The worker script with both fixes; (js, fixes found in the fixed form, counting those an
    earlier build made): 2 when both apply."""
    js = SEGMENT_LOOP_RE.sub(lambda m: m.group(0).replace(f"<{m.group(3)}{m.group(4)}", f"<={m.group(4)}", 1), js)
    js = SEGMENT_JOIN_RE.sub(lambda m: m.group(1) + " " + m.group(3), js)
    loops = sum(1 for m in SEGMENT_LOOP_RE.finditer(js) if m.group(3) == "=")
    joins = sum(1 for m in SEGMENT_JOIN_RE.finditer(js) if m.group(2) == " ")
    return js, min(loops, 1) + min(joins, 1)


class WorkerPatchError(RuntimeError):
    """Material's worker script changed where the segmentation fix applies: the build fails."""


def patch_worker(site_dir) -> None:
    """Fix the Chinese query segmentation of Material's built search worker under ``site_dir/assets``."""
    from pathlib import Path

    from dlie.theme import patch_files

    workers = sorted((Path(site_dir) / "assets" / "javascripts" / "workers").glob("search.*.min.js"))
    if not workers or patch_files(workers, fix_segmentation) != 2 * len(workers):
        raise WorkerPatchError(
            "Material's search worker (assets/javascripts/workers/search.*.min.js) no longer has the Chinese "
            "query segmentation that dlie.search.fix_segmentation fixes: check whether the fixes are still needed"
        )


# Material's built JavaScript, as the query override in overrides/main.html relies on it: the
# bundle posts each query to the search worker as {type: 2, data: <the query typed>}, and the
# worker searches the data of a type-2 message.
BUNDLE_QUERY_RE = re.compile(r"\.next\(\{type:2,data:\w+\}\)")
WORKER_QUERY_RE = re.compile(r"case 2:let (\w+)=\w+\.data;try\{return\{type:3,data:\w+\.search\(\1\)")


def canary() -> None:
    """Raise RuntimeError unless Material's search plugin still segments Chinese in
    ``SearchIndex._segment_chinese(self, data)`` with jieba (what the memo wraps), and its built
    JavaScript still sends queries to the worker as the query override expects."""
    import inspect
    from pathlib import Path

    import material
    from material.plugins.search.plugin import SearchIndex

    method = getattr(SearchIndex, "_segment_chinese", None)
    original = getattr(method, "__wrapped__", method)
    if original is None or list(inspect.signature(original).parameters) != ["self", "data"]:
        raise RuntimeError("Material's SearchIndex._segment_chinese changed: update dlie.search's segmentation memo")
    if "jieba.cut" not in inspect.getsource(original):
        raise RuntimeError("Material's SearchIndex._segment_chinese no longer calls jieba.cut: update dlie.search")
    scripts = Path(material.__file__).parent / "templates" / "assets" / "javascripts"
    for pattern, where in ((BUNDLE_QUERY_RE, "bundle.*.min.js"), (WORKER_QUERY_RE, "workers/search.*.min.js")):
        files = sorted(scripts.glob(where))
        if not files or not any(pattern.search(f.read_text(encoding="utf-8")) for f in files):
            raise RuntimeError(
                f"Material's {where} no longer passes search queries as type-2 messages: update the query "
                "override in overrides/main.html and dlie.search.canary"
            )
