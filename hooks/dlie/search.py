"""Search, one index per language (pure functions; Material's search plugin builds the index).

static-i18n merges every language into ``search/search_index.json``. After the last language is
built, :func:`split_index` splits it: the default language's entries stay at ``search/``, each
other language's go to ``<lang>/search/`` (locations relative to that language's root, where
``i18npages.set_search_base`` points Material's search). Each index gets a pipeline that keeps
English terms and abbreviations searchable: no stemmer on a Chinese side (it breaks English
words), jieba-segmented Chinese tokens split on the zero-width spaces Material inserts.

Rendered formulas (dozens of tags each) and highlighted code (a tag per token) would make
Material's indexer parse most of a page's markup for text that does not belong in search: they
are swapped for placeholders while the page is indexed and restored after (:func:`defer_heavy`).
"""

from __future__ import annotations

import re

from dlie import markup

SEPARATOR = r"[\s\u200b\u3000\-、。，．？！；：（）「」《》,.;:!?()/]+"
INDEX_CONFIG = {
    "zh": {"separator": SEPARATOR, "pipeline": []},
    "default": {"separator": r"[\s\-,.;:!?()/]+", "pipeline": ["stopWordFilter"]},
}

HEAVY_RE = re.compile(markup.MATH_ELEMENT_RE.pattern + r'|<div class="(?:[\w-]+ )*highlight">.*?</div>', re.S)


def index_config(lang: str) -> dict:
    conf = INDEX_CONFIG["zh"] if lang.startswith("zh") else INDEX_CONFIG["default"]
    return {"lang": [lang], **conf}


def defer_heavy(content: str) -> tuple[str, list[str]]:
    """Swap formulas and code blocks for numbered placeholders; returns (content, fragments)."""
    fragments: list[str] = []

    def repl(m):
        fragments.append(m.group(0))
        return markup.search_skip(len(fragments) - 1)

    return HEAVY_RE.sub(repl, content), fragments


def restore_heavy(output: str, fragments: list[str]) -> str:
    return markup.SEARCH_SKIP_RE.sub(lambda m: fragments[int(m.group(1))], output)


CJK_RE = re.compile(r"[\u4e00-\u9fff]")


def jieba_user_dict(g, lang: str = "zh") -> str:
    """jieba user-dictionary lines for every Chinese concept name and alias, so that terms such
    as 卷积核, 批归一化 or 梯度消失 are indexed as one word (and match a query typed as one)."""
    terms = sorted({t for c in g.concepts.values() for t in c.terms(lang) if CJK_RE.search(t) and " " not in t})
    return "".join(f"{t} 100000 n\n" for t in terms)


def split_index(index: dict, langs) -> dict[str, dict]:
    """Split a merged Material search index into one index per language (``langs``: Languages)."""
    out = {}
    for lang in langs.codes:
        prefix = langs.prefix(lang)
        docs = []
        for doc in index["docs"]:
            loc = doc["location"]
            if langs.of_url(loc) == lang:
                docs.append({**doc, "location": loc[len(prefix) :]})
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


def canary() -> None:
    """Raise RuntimeError unless Material's search plugin still segments Chinese in
    ``SearchIndex._segment_chinese(self, data)`` with jieba (what the memo wraps)."""
    import inspect

    from material.plugins.search.plugin import SearchIndex

    method = getattr(SearchIndex, "_segment_chinese", None)
    original = getattr(method, "__wrapped__", method)
    if original is None or list(inspect.signature(original).parameters) != ["self", "data"]:
        raise RuntimeError("Material's SearchIndex._segment_chinese changed: update dlie.search's segmentation memo")
    if "jieba.cut" not in inspect.getsource(original):
        raise RuntimeError("Material's SearchIndex._segment_chinese no longer calls jieba.cut: update dlie.search")
