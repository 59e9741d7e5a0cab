"""Concept cross-reference index: glossary validation, mentions, ordering, ranking, built pages."""

from __future__ import annotations

import copy
import json

import lxml.html
import pytest
import yaml

from conftest import ROOT, build
from dlie import conceptindex as ci
from dlie import glossary

RAW = yaml.safe_load((ROOT / "docs" / "concepts.yml").read_text(encoding="utf-8"))
G = glossary.parse_glossary(RAW)


def concept(raw, cid):
    return next(c for c in raw["concepts"] if c["id"] == cid)


# --- glossary validation --------------------------------------------------------------------


def mutate(fn):
    raw = copy.deepcopy(RAW)
    fn(raw)
    return raw


@pytest.mark.parametrize(
    "fn, message",
    [
        (lambda r: r["concepts"].append(copy.deepcopy(concept(r, "relu"))), "duplicate concept id 'relu'"),
        (
            lambda r: concept(r, "dropout")["en"]["aliases"].append("BN"),
            "alias 'BN' (en) is claimed by both 'batch-normalization' and 'dropout'",
        ),
        (lambda r: concept(r, "pooling")["zh"].pop("definition"), "concept 'pooling' lacks a definition in 'zh'"),
        (lambda r: concept(r, "pooling")["en"].update(name=""), "concept 'pooling' lacks a name in 'en'"),
        (
            lambda r: concept(r, "relu")["related"].append("gelu-typo"),
            "concept 'relu' lists unknown related id 'gelu-typo'",
        ),
        (lambda r: concept(r, "relu").update(id="ReLU"), "concept id 'ReLU' is not kebab-case"),
        (lambda r: r["tags"].update(cnn={"zh": "卷积"}), "tags 'cnn' needs a label in each of zh, en"),
        # issue #26: the wrong aliases come back (the pages' misconceptions, Q02 and Q07)
        (
            lambda r: concept(r, "translation-equivariance")["zh"]["aliases"].append("平移不变性"),
            "concept 'translation-equivariance' lists 平移不变性 (zh) as an alias and under 'not'",
        ),
        (
            lambda r: concept(r, "weight-sharing")["en"]["aliases"].append("Local connectivity"),
            "concept 'weight-sharing' lists local connectivity (en) as an alias and under 'not'",
        ),
        (lambda r: concept(r, "pooling")["zh"].update({"not": "下采样"}), "invalid 'not' list in 'zh'"),
    ],
)
def test_glossary_errors_name_file_and_id(fn, message):
    with pytest.raises(glossary.GlossaryError) as e:
        glossary.parse_glossary(mutate(fn), "docs/concepts.yml")
    assert message in str(e.value)
    assert str(e.value).startswith("docs/concepts.yml:")


def test_real_glossary_covers_the_content_guide():
    guide_ids = [
        "deep-learning",
        "multilayer-perceptron",
        "convolutional-neural-network",
        "convolution",
        "convolution-kernel",
        "im2col",
        "stride",
        "padding",
        "feature-map",
        "receptive-field",
        "weight-sharing",
        "translation-equivariance",
        "pooling",
        "global-average-pooling",
        "fully-connected-layer",
        "one-by-one-convolution",
        "activation-function",
        "relu",
        "dying-relu",
        "sigmoid-tanh",
        "softmax-cross-entropy",
        "vanishing-exploding-gradients",
        "backpropagation",
        "optimizer",
        "learning-rate-schedule",
        "batch-normalization",
        "layer-normalization",
        "skip-connection",
        "residual-connection",
        "dense-connection",
        "attention-mechanism",
        "multi-task-learning",
        "cross-modal-learning",
        "data-augmentation",
        "regularization",
        "dropout",
        "overfitting",
        "weight-initialization",
        "embedding",
    ]
    assert set(guide_ids) <= set(G.concepts)


# --- mentions -------------------------------------------------------------------------------


def ids(matcher, text):
    return [cid for cid, _, _ in matcher.find(text)]


def test_chinese_mentions_longest_first():
    m = ci.build_matcher(G, "zh")
    assert ids(m, "卷积核在卷积层里做卷积，再接批量归一化（BN）") == [
        "convolution-kernel",
        "convolution",
        "convolution",
        "batch-normalization",
        "batch-normalization",
    ]


def test_english_mentions_word_boundaries_and_case():
    m = ci.build_matcher(G, "en")
    assert ids(m, "Batch normalization (BN) and batchnorm") == ["batch-normalization", "batch-normalization"]
    assert ids(m, "BNX and bn are not mentions") == []  # case-sensitive abbreviation, whole words only
    assert ids(m, "Kaiming init; a shortcut; dead ReLU units") == [
        "weight-initialization",
        "skip-connection",
        "dying-relu",
    ]


# Aliases name exactly their concept (issue #26): what the pages call a different thing is
# listed under 'not', never as an alias, and no mention of it is linked to the concept.
WRONG_ALIASES = {
    ("translation-equivariance", "zh"): "平移不变性",  # Q02, Q07: convolution is equivariant, not invariant
    ("translation-equivariance", "en"): "translation invariance",
    ("weight-sharing", "zh"): "局部连接",  # Q07: two different properties of a conv layer
    ("weight-sharing", "en"): "local connectivity",
    ("pooling", "en"): "downsampling",  # Q21: strided convolutions downsample too
    ("overfitting", "zh"): "欠拟合",  # the opposite
}


@pytest.mark.parametrize("key", sorted(WRONG_ALIASES))
def test_terms_that_are_not_aliases_are_not_aliases(key):
    (cid, lang), term = key, WRONG_ALIASES[key]
    c = G.concepts[cid]
    assert term.casefold() in {t.casefold() for t in c.not_terms[lang]}
    assert term.casefold() not in {t.casefold() for t in c.terms(lang)}
    assert cid not in ids(ci.build_matcher(G, lang), f"({term})")


def test_a_not_term_stops_a_shorter_alias_inside_it_from_matching():
    raw = mutate(lambda r: concept(r, "weight-sharing")["en"]["aliases"].append("sharing"))
    text = "tied weights (sharing); what tensor sharing means"
    assert ids(ci.build_matcher(glossary.parse_glossary(raw), "en"), text) == ["weight-sharing", "weight-sharing"]
    concept(raw, "weight-sharing")["en"]["not"].append("tensor sharing")
    assert ids(ci.build_matcher(glossary.parse_glossary(raw), "en"), text) == ["weight-sharing"]


def test_prose_excludes_code_math_and_urls():
    md = (
        "---\ntitle: x\n---\nReLU text $\\text{BN}$ and\n\n```python\ndropout = 1\n```\n"
        "`pooling` [link](https://x/attention.md) $$\\text{stride}$$\n"
    )
    prose = ci.prose_of_markdown(md)
    m = ci.build_matcher(G, "en")
    assert ids(m, prose) == ["relu"]


def test_link_first_mentions_once_and_not_in_code_or_headings():
    m = ci.build_matcher(G, "en")
    html = (
        "<h2>Dropout</h2><p>Use <code>dropout</code> and dropout, then dropout again.</p>"
        '<p><a href="x">pooling</a> then pooling <span class="arithmatex">\\(stride\\)</span></p>'
    )
    out, linked = ci.link_first_mentions(html, m, lambda c: f"#{c}")
    assert linked == ["dropout", "pooling"]
    assert out.count('class="concept-link"') == 2
    assert "<h2>Dropout</h2>" in out and "<code>dropout</code>" in out
    assert '<a class="concept-link" href="#dropout">dropout</a>, then dropout again' in out
    assert "\\(stride\\)" in out


# --- ordering and ranking -------------------------------------------------------------------


def test_chinese_sorted_by_pinyin_english_a_to_z():
    zh = [c.names["zh"] for _, cs in ci.group_concepts(G, "zh") for c in cs]
    assert zh.index("表示学习") < zh.index("步长") < zh.index("残差连接") < zh.index("池化")
    assert zh.index("批归一化") < zh.index("嵌入") < zh.index("全连接层")
    letters = [letter for letter, _ in ci.group_concepts(G, "zh")]
    assert letters == sorted(letters, key=lambda x: (len(x) > 1, x))
    assert ci.group_letter("1×1 卷积", "zh") == "0-9"
    assert ci.group_letter("卷积", "zh") == "J" and ci.group_letter("ReLU", "zh") == "R"
    en = [c.names["en"] for _, cs in ci.group_concepts(G, "en") for c in cs]
    assert en == sorted(en, key=lambda n: (not n[0].isalpha(), n.casefold()))  # A-Z, then 0-9


def test_rank_related_by_shared_concepts():
    P = ci.PageProfile
    profiles = {
        "05-relu": P(5, "05-relu", {}, ["relu", "dying-relu"], {"en": {"weight-initialization"}}),
        "26-act": P(26, "26-act", {}, ["activation-function", "relu"], {"en": set()}),
        "30-init": P(30, "30-init", {}, ["weight-initialization"], {"en": {"relu"}}),
        "17-bn": P(17, "17-bn", {}, ["batch-normalization"], {"en": set()}),
    }
    ranked = ci.rank_related(profiles, "05-relu")
    assert [r[0] for r in ranked] == ["26-act", "30-init"]  # 2*2 for relu beats 1*2 + 2*1 ... tie -> seed
    assert ranked[0][2] == ["relu"]


# --- bad input fails the build ----------------------------------------------------------------


def test_glossary_fault_fails_the_build(make_project):
    proj = make_project()
    path = proj / "docs" / "concepts.yml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    concept(raw, "dropout")["related"] = ["no-such-id"]
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    r = build(proj)
    assert r.returncode != 0
    assert "concepts.yml: concept 'dropout' lists unknown related id 'no-such-id'" in r.stdout + r.stderr


def test_unused_concept_is_a_warning_not_a_failure(make_project):
    r = build(make_project())  # the minimal project uses only 'relu'
    assert r.returncode == 0, r.stdout + r.stderr
    assert "concept 'dropout' in docs/concepts.yml is used by no page" in r.stderr


# --- the built site ---------------------------------------------------------------------------


def test_index_pages_have_an_entry_per_concept_with_stable_anchors(site):
    for lang_dir in ("", "en/"):
        d = lxml.html.parse(str(site / lang_dir / "concepts" / "index.html")).getroot()
        anchors = set(d.xpath("//article//h3/@id"))
        assert set(G.concepts) <= anchors, set(G.concepts) - anchors
    en = lxml.html.parse(str(site / "en" / "concepts" / "index.html")).getroot()
    heads = [h.text_content().strip("¶ ") for h in en.xpath("//article//h3")]
    assert heads == sorted(heads, key=lambda n: (not n[0].isalpha(), n.casefold()))


def test_questions_link_to_concepts_and_back(site):
    data = json.loads((site / "concepts.json").read_text(encoding="utf-8"))
    assert data["concepts"]["relu"]["name"] == {"zh": "ReLU", "en": "ReLU"}
    pages = sorted((site / "questions").glob("*/index.html"))
    assert pages
    index_zh = (site / "concepts" / "index.html").read_text(encoding="utf-8")
    for page in pages:
        slug = page.parent.name
        for lang_dir in ("", "en/"):
            d = lxml.html.parse(str(site / lang_dir / "questions" / slug / "index.html")).getroot()
            block = d.xpath('//h2[@id="concepts"]')
            assert block, f"{lang_dir}{slug}: no concepts block"
            hrefs = d.xpath('//h2[@id="concepts"]/following-sibling::p[1]//a/@href')
            assert hrefs and all("concepts/#" in h for h in hrefs)
        for entry in data["concepts"].values():
            if any(ref["slug"] == slug for ref in entry["explained_in"]):
                assert f"../questions/{slug}/" in index_zh


def test_alias_search_finds_the_concept_entry(site):
    for lang_dir, alias, cid in (
        ("", "批量归一化", "batch-normalization"),
        ("", "BN", "batch-normalization"),
        ("en/", "Kaiming", "weight-initialization"),
        ("en/", "shortcut", "skip-connection"),
    ):
        index = json.loads((site / lang_dir / "search" / "search_index.json").read_text(encoding="utf-8"))
        entry = next(d for d in index["docs"] if d["location"] == f"concepts/#{cid}")
        assert alias in entry["text"].replace("\u200b", ""), (alias, entry)
