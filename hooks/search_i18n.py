"""MkDocs hook: one search index per language.

static-i18n merges every language into ``search/search_index.json``. After the last
language is built, this hook splits it: Chinese entries stay at ``search/``, English
entries go to ``en/search/`` (locations relative to ``/en/``, where ``i18n_fixes`` points
Material's search base). Each index gets a pipeline that keeps English terms and
abbreviations searchable: no stemmer on the Chinese side (it breaks English words),
jieba-segmented Chinese tokens split on the zero-width spaces Material inserts.

Indexing is slow (Material parses every page's HTML; jieba loads its dictionary, then cuts
every Chinese run), so two memos live in ``.cache/search/``: a page's index entries, keyed by
everything they are made of (its HTML, URL, title, table of contents, index settings), and
jieba's segmentations keyed by the text, for the pages that changed. jieba's dictionary is
loaded only when a text is not cached.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from importlib.metadata import version
from pathlib import Path

from mkdocs.plugins import event_priority

from dlie import glossary
from dlie.diskmemo import DiskMemo, patch_method, project_cache
from i18nbuild import final_site_root

LANGS = ("zh", "en")
DEFAULT = "zh"

SEPARATOR = r"[\s\u200b\u3000\-、。，．？！；：（）「」《》,.;:!?()/]+"
INDEX_CONFIG = {
    "zh": {"lang": ["zh"], "separator": SEPARATOR, "pipeline": []},
    "en": {"lang": ["en"], "separator": r"[\s\-,.;:!?()/]+", "pipeline": ["stopWordFilter"]},
}


# Rendered formulas (dozens of tags each) and highlighted code (a tag per token) would make
# Material's indexer parse most of a page's markup for text that does not belong in search.
# They are swapped for empty placeholders while the page is indexed and restored after.
HEAVY_RE = re.compile(
    r'<katex-math class="math-(?:inline|display)"[^>]*>.*?</katex-math>|<div class="(?:[\w-]+ )*highlight">.*?</div>',
    re.S,
)
PLACEHOLDER_RE = re.compile(r'<search-skip data-k="(\d+)"></search-skip>')


def defer_heavy(content: str) -> tuple[str, list[str]]:
    """Swap formulas and code blocks for numbered placeholders; returns (content, fragments)."""
    fragments: list[str] = []

    def repl(m):
        fragments.append(m.group(0))
        return f'<search-skip data-k="{len(fragments) - 1}"></search-skip>'

    return HEAVY_RE.sub(repl, content), fragments


def restore_heavy(output: str, fragments: list[str]) -> str:
    return PLACEHOLDER_RE.sub(lambda m: fragments[int(m.group(1))], output)


_deferred: dict[str, list[str]] = {}


@event_priority(-100)  # after the concept links and KaTeX rendering
def on_page_content(html, page, config, files):
    html, _deferred[page.file.src_uri] = defer_heavy(html)
    return html


@event_priority(100)
def on_post_page(output, page, config):
    fragments = _deferred.pop(page.file.src_uri, None)
    return restore_heavy(output, fragments) if fragments else output


CJK_RE = re.compile(r"[\u4e00-\u9fff]")


def jieba_user_dict(g: glossary.Glossary) -> str:
    """jieba user-dictionary lines for every Chinese concept name and alias, so that terms such
    as 卷积核, 批归一化 or 梯度消失 are indexed as one word (and match a query typed as one)."""
    terms = sorted({t for c in g.concepts.values() for t in c.terms("zh") if CJK_RE.search(t) and " " not in t})
    return "".join(f"{t} 100000 n\n" for t in terms)


_cache: DiskMemo | None = None
_entries: DiskMemo | None = None
_userdict = {"text": "", "loaded": False}


def _jieba_ready():
    """Load jieba with our user dictionary, once, when a text is not in the cache."""
    import jieba

    if not _userdict["loaded"]:
        jieba.load_userdict(io.StringIO(_userdict["text"]))
        _userdict["loaded"] = True


def toc_rows(items) -> list:
    return [[a.id, a.title, toc_rows(a.children)] for a in items]


def entries_key(index_config: dict, page) -> str:
    """Everything Material's ``add_entry_from_context`` reads from a page, and its settings."""
    meta = {k: page.meta.get(k) for k in ("search", "tags", "title")}
    parts = [index_config, page.content, page.url, page.title, meta, toc_rows(page.toc)]
    return hashlib.sha1(json.dumps(parts, ensure_ascii=False, sort_keys=True, default=repr).encode()).hexdigest()


def memoised_entries(original):
    def add_entry_from_context(self, page):
        if _entries is None:
            return original(self, page)
        before = len(self.entries)

        def compute(_key):
            original(self, page)
            return json.dumps(self.entries[before:], ensure_ascii=False)

        added = json.loads(_entries.get(entries_key(self.config, page), compute))
        del self.entries[before:]
        self.entries.extend(added)

    return add_entry_from_context


def on_config(config):
    global _cache, _entries
    try:
        import jieba
        from material.plugins.search.plugin import SearchIndex
    except ImportError:  # Material then indexes Chinese unsegmented; the tests will say so
        return config
    g = glossary.load_glossary(Path(config.docs_dir) / "concepts.yml")
    text = jieba_user_dict(g)
    if text != _userdict["text"]:
        _userdict.update(text=text, loaded=False)  # (mkdocs serve: the glossary changed)
    signature = hashlib.sha1(f"{jieba.__version__}\n{text}".encode()).hexdigest()
    path = project_cache(config, "search", "jieba-segments.json")
    _cache = DiskMemo.reuse(_cache, path, signature)

    def memoised(original):
        def segment(self, data):
            def compute(text):
                _jieba_ready()
                return original(self, text)

            return _cache.get(data, compute)

        return segment

    patch_method(SearchIndex, "_segment_chinese", memoised)
    path = project_cache(config, "search", "entries.json")
    signature = f"{signature} material {version('mkdocs-material')}"
    _entries = DiskMemo.reuse(_entries, path, signature)
    patch_method(SearchIndex, "add_entry_from_context", memoised_entries)
    return config


def split_index(index: dict) -> dict[str, dict]:
    """Split a merged Material search index into one index per language."""
    out = {}
    for lang in LANGS:
        prefix = "" if lang == DEFAULT else f"{lang}/"
        docs = []
        for doc in index["docs"]:
            loc = doc["location"]
            doc_lang = next((x for x in LANGS if x != DEFAULT and loc.startswith(f"{x}/")), DEFAULT)
            if doc_lang == lang:
                docs.append({**doc, "location": loc[len(prefix) :]})
        config = {**index["config"], **INDEX_CONFIG[lang]}
        out[lang] = {"config": config, "docs": docs}
    return out


@event_priority(-200)
def on_post_build(config):
    root = final_site_root(config)
    if root is None:
        return  # nested per-language build; the merged index is not final yet
    for memo in (_cache, _entries):
        if memo is not None:
            memo.save()
    merged_path = root / "search" / "search_index.json"
    if not merged_path.exists():
        return
    parts = split_index(json.loads(merged_path.read_text(encoding="utf-8")))
    for lang, index in parts.items():
        dest = root / ("" if lang == DEFAULT else lang) / "search" / "search_index.json"
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
