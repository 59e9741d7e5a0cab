"""Per-language search indexes with jieba-segmented Chinese."""

from __future__ import annotations

import json
from pathlib import Path

from dlie import glossary, search
from dlie.diskmemo import DiskMemo
from dlie.languages import Languages

ROOT = Path(__file__).resolve().parent.parent


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_split_index_unit():
    merged = {
        "config": {"lang": ["zh", "en"], "separator": "x", "pipeline": ["stemmer"], "fields": {}},
        "docs": [
            {"location": "", "title": "首页", "text": ""},
            {"location": "questions/05-relu/", "title": "ReLU", "text": ""},
            {"location": "en/", "title": "Home", "text": ""},
            {"location": "en/questions/05-relu/#code", "title": "Code", "text": ""},
        ],
    }
    parts = search.split_index(merged, Languages(("zh", "en"), "zh"))
    assert [d["location"] for d in parts["zh"]["docs"]] == ["", "questions/05-relu/"]
    assert [d["location"] for d in parts["en"]["docs"]] == ["", "questions/05-relu/#code"]
    assert parts["zh"]["config"]["pipeline"] == []  # no stemmer: English terms stay findable
    assert parts["en"]["config"]["lang"] == ["en"]


def test_each_language_has_its_own_index(site):
    zh = load(site / "search" / "search_index.json")
    en = load(site / "en" / "search" / "search_index.json")
    assert zh["docs"] and en["docs"]
    assert not any(d["location"].startswith("en/") for d in zh["docs"])
    # English entries are relative to /en/, where English pages point Material's search base
    assert all(
        (site / "en" / d["location"].split("#")[0] / "index.html").exists() or d["location"] == "" for d in en["docs"]
    )
    cjk = lambda s: any("\u4e00" <= ch <= "\u9fff" for ch in s)  # noqa: E731
    assert sum(cjk(d["title"] + d["text"]) for d in zh["docs"]) > len(zh["docs"]) / 2
    assert sum(cjk(d["title"]) for d in en["docs"]) == 0


def test_chinese_text_is_segmented(site):
    zh = load(site / "search" / "search_index.json")
    text = "".join(d["text"] for d in zh["docs"])
    assert "\u200b" in text  # jieba word boundaries
    tokens = set(text.replace("\u200b", " ").split())
    assert "深度学习" in tokens or "学习" in tokens


def test_disk_memo_memoises_by_key_and_signature(tmp_path):
    path = tmp_path / "segments.json"
    calls = []

    def cut(text):
        calls.append(text)
        return "\u200b".join(text)

    cache = DiskMemo(path, "sig-1")
    assert cache.get("卷积核", cut) == "卷\u200b积\u200b核"
    assert cache.get("卷积核", cut) == "卷\u200b积\u200b核" and calls == ["卷积核"]  # memoised
    cache.get("步幅", cut)
    cache.save()
    again = DiskMemo(path, "sig-1")  # a later build reads it back
    assert again.get("卷积核", cut) == "卷\u200b积\u200b核" and len(calls) == 2 and again.misses == 0
    again.save()  # only what this build used is kept
    assert list(json.loads(path.read_text(encoding="utf-8"))["entries"]) == ["卷积核"]
    stale = DiskMemo(path, "sig-2")  # another jieba / user dictionary: ignored
    stale.get("卷积核", cut)
    assert stale.misses == 1 and len(calls) == 3
    assert DiskMemo.reuse(again, path, "sig-1") is again  # mkdocs serve: kept in memory
    assert DiskMemo.reuse(again, path, "sig-2") is not again  # settings changed: read anew
    fresh = DiskMemo(tmp_path / "other.json", "sig-1")
    assert fresh.lookup("k") is None
    fresh.store("k", "v")
    fresh.save()
    assert DiskMemo(tmp_path / "other.json", "sig-1").lookup("k") == "v"
    path.write_text("{not json", encoding="utf-8")  # a damaged cache is rebuilt, not an error
    assert DiskMemo(path, "sig-1").entries == {}


def test_glossary_terms_are_single_tokens(site):
    zh = load(site / "search" / "search_index.json")
    tokens = set("".join(d["title"] + "\u200b" + d["text"] for d in zh["docs"]).replace("\u200b", " ").split())
    for term in ("批归一化", "梯度消失", "卷积核"):
        assert term in tokens, f"{term} should be one jieba token (user dictionary from the glossary)"


def test_segmentation_memo_gives_materials_segmentation(tmp_path):
    from material.plugins.search.plugin import SearchIndex

    g = glossary.load_glossary(ROOT / "docs" / "concepts.yml")
    user_dict = search.jieba_user_dict(g)
    memo = DiskMemo(tmp_path / "segments.json", "sig")
    original = getattr(SearchIndex._segment_chinese, "__wrapped__", SearchIndex._segment_chinese)
    segment = search.memoised_segment(original, lambda: (memo, user_dict))
    index = SearchIndex(lang=["zh"], separator=search.SEPARATOR, pipeline=[])
    text = "批归一化与残差连接"
    search.jieba_ready(user_dict)
    expected = original(index, text)
    assert "批归一化" in expected.split("\u200b")  # the glossary's terms are single words
    assert segment(index, text) == expected and memo.misses == 1
    assert segment(index, text) == expected and memo.misses == 1  # from the memo
    assert segment(index, "梯度消失") == original(index, "梯度消失") and memo.misses == 2
    assert search.memoised_segment(original, lambda: None)(index, text) == expected  # no build: Material's own
