"""Per-language search indexes with jieba-segmented Chinese."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from conftest import N_QUESTIONS, interface_strings, load_ui
from dlie import glossary, markup, search
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
            {"location": "questions/05-relu/", "title": "ReLU", "text": "", "tags": ["activation"]},
            {"location": "questions/05-relu/#a", "title": "3×3 卷积", "text": "224 × 224", "tags": ["activation"]},
            {"location": "en/", "title": "Home", "text": ""},
            {"location": "en/questions/05-relu/#code", "title": "Code", "text": "", "tags": ["activation"]},
        ],
    }
    extras = {"zh": {"questions/05-relu/": {"tags": ["激活函数"]}, "questions/05-relu/#a": {"concepts": "relu"}}}
    parts = search.split_index(merged, Languages(("zh", "en"), "zh"), extras)
    zh, en = parts["zh"]["docs"], parts["en"]["docs"]
    assert [d["location"] for d in zh] == ["", "questions/05-relu/", "questions/05-relu/#a"]
    assert [d["location"] for d in en] == ["", "questions/05-relu/#code"]
    assert zh[1]["tags"] == ["激活函数"] and "tags" not in zh[2] and "tags" not in en[1]  # labels, page entry only
    assert zh[2] == {"location": "questions/05-relu/#a", "title": "3x3 卷积", "text": "224x224", "concepts": "relu"}
    assert parts["zh"]["config"]["pipeline"] == []  # no stemmer: English terms stay findable
    assert parts["en"]["config"]["lang"] == ["en"]
    assert set(parts["zh"]["config"]["fields"]) == {"title", "text", "tags", "concepts", "joined"}


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


# ---- what Material indexes (#24: the page's content only, readable) ---------------------------
KATEX_P_Y = (
    '<katex-math class="math-inline"><span class="katex"><span class="katex-mathml"><math><semantics>'
    '<mrow><mi>p</mi><mo>−</mo><mi>y</mi></mrow><annotation encoding="application/x-tex">p - y</annotation>'
    '</semantics></math></span><span class="katex-html" aria-hidden="true">p−y</span></span></katex-math>'
)
KATEX_SQRT = KATEX_P_Y.replace("math-inline", "math-display").replace("p - y</annotation", "\\sqrt{d_k}</annotation")


def test_index_view_keeps_content_and_readable_formulas_only():
    content = (
        markup.search_off('<div class="study-meta">难度：进阶</div><div class="study-controls">练习模式</div>')
        + f'<h3 id="g">梯度 {KATEX_P_Y}</h3><p>真实类的 logit 被推高（{KATEX_P_Y}）</p>{KATEX_SQRT}'
        + '<div class="language-python highlight"><pre><code>x = 1</code></pre></div>'
        + '<figure class="fig" id="fig-q01-a"><div class="fig-scroll" tabindex="0"><svg class="fig-svg">'
        + "<text>01234</text></svg></div><figcaption>说明</figcaption></figure>"
    )
    view, fragments = search.index_view(content)
    text = re.sub(r"<[^>]+>", "", view)
    assert text == "梯度 p - y真实类的 logit 被推高（p - y） sqrt(d_k) 说明"
    assert len(fragments) == 6 and "练习模式" not in view and "01234" not in view and "x = 1" not in view
    assert search.restore(view, fragments) == content


def test_search_keys_of_a_name_as_readers_type_it():
    assert search.term_keys("Batch Normalization") == (["batch", "normalization"], ["batchnormalization"])
    assert search.term_keys("BatchNorm") == (["batchnorm"], [])
    assert search.term_keys("1×1 卷积") == (["1x1", "卷积"], [])
    assert search.term_keys("bias–variance trade-off") == (
        ["bias", "variance", "trade", "off"],
        ["biasvariancetradeoff"],
    )
    assert search.term_keys("L1 正则") == (["l1", "正则"], [])
    g = glossary.load_glossary(ROOT / "docs" / "concepts.yml")
    keys = search.concept_keys(g, ["batch-normalization"], ["zh", "en"])
    assert keys["concepts"].split() == [
        "批归一化",
        "bn",
        "batchnorm",
        "批量归一化",
        "批标准化",
        "batch",
        "normalization",
        "norm",
    ]
    assert keys["joined"].split() == ["batchnormalization"]  # batchnorm is a word of its own already


def source_of(location: str, lang: str) -> Path:
    path = location.split("#")[0].rstrip("/") or "index"
    page = ROOT / "docs" / f"{path}.{lang}.md"
    return page if page.exists() else ROOT / "docs" / path / f"index.{lang}.md"


def interface_in_index(index: dict, lang: str, strings: list[str]) -> list[str]:
    """Interface strings in the index's titles and texts that the page's author did not write
    (the home page's prose may name the controls it explains; the build must not index them)."""
    found = []
    for doc in index["docs"]:
        text = re.sub(r"<[^>]+>", " ", doc["title"] + " " + doc["text"]).replace("\u200b", "")
        source = source_of(doc["location"], lang).read_text(encoding="utf-8").replace("*", "")  # as text
        found += [f"{doc['location']}: {s}" for s in strings if s in text and s not in source]
    return found


def test_no_interface_text_in_any_index(site):
    g = glossary.load_glossary(ROOT / "docs" / "concepts.yml")
    for lang, prefix in (("zh", ""), ("en", "en/")):
        strings = interface_strings(lang, g)
        assert len(strings) > 15
        assert not interface_in_index(load(site / prefix / "search" / "search_index.json"), lang, strings)


def test_the_interface_check_finds_planted_chrome():
    g = glossary.load_glossary(ROOT / "docs" / "concepts.yml")
    planted = {
        "docs": [
            {
                "location": "questions/17-batch-normalization/",
                "title": "17",
                "text": "难度：进阶 归一化 练习模式掌握程度 未掌握",
            },
            {
                "location": "#练习与进度",
                "title": "练习与进度",
                "text": "<p>打开题目页上的「练习模式」</p>",
            },  # the author's prose
        ]
    }
    found = interface_in_index(planted, "zh", interface_strings("zh", g))
    assert found == [
        f"questions/17-batch-normalization/: {s}" for s in ("练习模式", "掌握程度", "未掌握", "难度：进阶")
    ]


def test_tags_are_the_readers_labels_on_page_entries_only(site):
    """#24: result chips showed tag ids (residual, cnn) on the Chinese site, under every section."""
    g = glossary.load_glossary(ROOT / "docs" / "concepts.yml")
    for lang, prefix in (("zh", ""), ("en", "en/")):
        labels = {t[lang] for t in g.tags.values()}
        docs = load(site / prefix / "search" / "search_index.json")["docs"]
        tagged = [d for d in docs if "tags" in d]
        assert all(set(d["tags"]) <= labels and d["tags"] for d in tagged), [d["tags"] for d in tagged][:3]
        pages = {d["location"] for d in docs if re.fullmatch(r"questions/[^/#]+/", d["location"])}
        assert {d["location"] for d in tagged} == pages and len(pages) == N_QUESTIONS  # no section repeats them


def test_formulas_are_readable_text_in_the_index(site):
    """Formulas reach the index as their plain form (#24: "the true class's logit is pushed up ()"
    had a hole); symbols typed as text find the section (sqrt dk, p - y, softmax)."""
    for prefix, title, pushed in (
        ("", "交叉熵与梯度 p - y", "被推高（p_t - 1 < 0）"),
        ("en/", "Cross-entropy and the gradient p - y", "pushed up (p_t - 1 < 0)"),
    ):
        docs = load(site / prefix / "search" / "search_index.json")["docs"]
        # code stands in as a token (removing it would leave "( )" where a reader sees "(`valid`)")
        text = {d["location"]: re.sub(r"<[^>]+>", "", re.sub(r"<code>.*?</code>", "c", d["text"])) for d in docs}
        plain = {d["location"]: (d["title"] + " " + text[d["location"]]).replace("\u200b", "") for d in docs}
        plain = {k: v.replace("&lt;", "<") for k, v in plain.items()}
        (section,) = [k for k, v in plain.items() if v.startswith(title)]
        assert pushed in plain[section] and "∂L/∂z = p - y" in plain[section]
        assert any(v.startswith(("为什么除以 sqrt(d_k)", "Why divide by sqrt(d_k)")) for v in plain.values())
        holes = [k for k, v in plain.items() if re.search(r"（）|\(\)|[，,] [，,]", v)]
        assert not holes, holes


def test_each_question_is_found_under_the_names_of_its_concepts(site):
    """The one-line answer entry of each question carries the glossary's names and aliases of
    the concepts its front matter lists (both languages' on the Chinese index), the concept
    index's entry of each concept its own; nothing else has search keys."""
    g = glossary.load_glossary(ROOT / "docs" / "concepts.yml")
    for lang, prefix in (("zh", ""), ("en", "en/")):
        docs = load(site / prefix / "search" / "search_index.json")["docs"]
        keyed = {d["location"]: d for d in docs if "concepts" in d}
        answer = markup.heading_id(load_ui(lang)["sections"][1])
        for page in (ROOT / "docs" / "questions").glob(f"*.{lang}.md"):
            meta = yaml.safe_load(page.read_text(encoding="utf-8").split("---")[1])
            entry = keyed.pop(f"questions/{page.name.split('.')[0]}/#{answer}")
            words = set(entry["concepts"].split()) | set(entry["joined"].split())
            for cid in meta["concepts"]:
                for other in ("zh", "en") if lang == "zh" else (lang,):
                    name = g.concepts[cid].names[other]
                    assert set(search.term_keys(name)[0]) <= words, (page.name, name)
            assert entry.get("boost") == search.ANSWER_BOOST
        assert sorted(keyed) == sorted(f"concepts/#{cid}" for cid in g.concepts)


# Sizes of the indexes before #17/#24 (this branch's base): the index must not grow by more than 25 %.
INDEX_BYTES_BEFORE = {"zh": 747_070, "en": 581_454}


@pytest.mark.parametrize("lang, prefix", [("zh", ""), ("en", "en/")])
def test_index_size_budget(site, lang, prefix):
    size = (site / prefix / "search" / "search_index.json").stat().st_size
    assert size <= 1.25 * INDEX_BYTES_BEFORE[lang], f"{lang} index {size / 1024:.0f} KB"


# ---- Material's worker: Chinese queries segmented whole (a patch, dlie.search.fix_segmentation) --
def material_worker() -> str:
    import material

    scripts = Path(material.__file__).parent / "templates" / "assets" / "javascripts" / "workers"
    (worker,) = scripts.glob("search.*.min.js")
    return worker.read_text(encoding="utf-8")


def test_segmentation_fix_applies_to_materials_worker_once():
    js = material_worker()
    fixed, n = search.fix_segmentation(js)
    assert n == 2 and fixed != js
    assert "o<=t.length;o++)t.slice(s,o)in e" in fixed and 'this.index.invertedIndex)].join(" ")' in fixed
    again, n = search.fix_segmentation(fixed)
    assert n == 2 and again == fixed  # a worker fixed by an earlier build counts as fixed


def test_a_changed_worker_fails_the_build(tmp_path):
    workers = tmp_path / "assets" / "javascripts" / "workers"
    workers.mkdir(parents=True)
    (workers / "search.x.min.js").write_text(material_worker().replace('.join("* ")', '.join("*")'), encoding="utf-8")
    with pytest.raises(search.WorkerPatchError, match="segmentation"):
        search.patch_worker(tmp_path)
    (workers / "search.x.min.js").write_text(material_worker(), encoding="utf-8")
    search.patch_worker(tmp_path)  # Material's own worker: both fixes apply


def test_the_built_worker_is_fixed(site):
    (worker,) = (site / "assets" / "javascripts" / "workers").glob("search.*.min.js")
    assert search.fix_segmentation(worker.read_text(encoding="utf-8"))[0] == worker.read_text(encoding="utf-8")


def test_canary_fails_when_materials_query_messages_change(monkeypatch):
    search.canary()
    monkeypatch.setattr(search, "BUNDLE_QUERY_RE", re.compile(r"\.next\(\{type:7,data:\w+\}\)"))
    with pytest.raises(RuntimeError, match="type-2 messages"):
        search.canary()
