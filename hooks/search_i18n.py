"""MkDocs hook: one search index per language.

static-i18n merges every language into ``search/search_index.json``. After the last
language is built, this hook splits it: Chinese entries stay at ``search/``, English
entries go to ``en/search/`` (locations relative to ``/en/``, where ``i18n_fixes`` points
Material's search base). Each index gets a pipeline that keeps English terms and
abbreviations searchable: no stemmer on the Chinese side (it breaks English words),
jieba-segmented Chinese tokens split on the zero-width spaces Material inserts.
"""

from __future__ import annotations

import json
from pathlib import Path

from mkdocs.plugins import event_priority

LANGS = ("zh", "en")
DEFAULT = "zh"

SEPARATOR = r"[\s\u200b\u3000\-、。，．？！；：（）「」《》,.;:!?()/]+"
INDEX_CONFIG = {
    "zh": {"lang": ["zh"], "separator": SEPARATOR, "pipeline": []},
    "en": {"lang": ["en"], "separator": r"[\s\-,.;:!?()/]+", "pipeline": ["stopWordFilter"]},
}


def split_index(index: dict) -> dict[str, dict]:
    """Split a merged Material search index into one index per language."""
    out = {}
    for lang in LANGS:
        prefix = "" if lang == DEFAULT else f"{lang}/"
        docs = []
        for doc in index["docs"]:
            loc = doc["location"]
            doc_lang = next(
                (x for x in LANGS if x != DEFAULT and loc.startswith(f"{x}/")), DEFAULT
            )
            if doc_lang == lang:
                docs.append({**doc, "location": loc[len(prefix) :]})
        config = {**index["config"], **INDEX_CONFIG[lang]}
        out[lang] = {"config": config, "docs": docs}
    return out


@event_priority(-200)
def on_post_build(config):
    i18n = config.plugins.get("i18n")
    if i18n is not None and getattr(i18n, "building", False):
        return  # nested per-language build; the merged index is not final yet
    site = Path(config.site_dir)
    root = site if (site / "sitemap.xml").exists() else site.parent
    merged_path = root / "search" / "search_index.json"
    if not merged_path.exists():
        return
    parts = split_index(json.loads(merged_path.read_text(encoding="utf-8")))
    for lang, index in parts.items():
        dest = root / ("" if lang == DEFAULT else lang) / "search" / "search_index.json"
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
