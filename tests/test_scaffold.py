"""The question scaffolder: creates valid page pairs, refuses duplicates."""

from __future__ import annotations

import re
import shutil

import pytest

from conftest import ROOT, build
from dlie import codeblocks, glossary, pageschema, scaffold

TITLES = {"zh": "层归一化与批归一化的区别", "en": "Layer normalization vs batch normalization"}


@pytest.fixture
def docs(tmp_path):
    d = tmp_path / "docs"
    (d / "questions").mkdir(parents=True)
    shutil.copy(ROOT / "docs" / "concepts.yml", d / "concepts.yml")
    shutil.copy(ROOT / "docs" / "questions" / "05-relu.zh.md", d / "questions" / "05-relu.zh.md")
    shutil.copy(ROOT / "docs" / "questions" / "05-relu.en.md", d / "questions" / "05-relu.en.md")
    return d


def make(docs, num=31, slug="layernorm-vs-batchnorm", **kw):
    args = {"concepts": ["layer-normalization"], "difficulty": "intermediate", "tags": ["normalization"], **kw}
    return scaffold.create(docs, ROOT / "templates", num, slug, TITLES, **args)


def test_creates_both_languages_with_valid_front_matter(docs):
    paths = make(docs)
    assert [p.name for p in paths] == ["31-layernorm-vs-batchnorm.zh.md", "31-layernorm-vs-batchnorm.en.md"]
    g = glossary.load_glossary(docs / "concepts.yml")
    assert pageschema.check_docs(docs, set(g.concepts), set(g.tags), set(g.levels)) == []
    meta, body = pageschema.read_front_matter(paths[0].read_text(encoding="utf-8"))
    assert meta["title"] == TITLES["zh"] and meta["seed"] == 31
    assert re.findall(r"^## (.+)$", body, re.M)[0] == "题目"
    for block in codeblocks.runnable_blocks(paths[1]):
        assert codeblocks.run_block(block)[0]


@pytest.mark.parametrize(
    "num, slug, message",
    [
        (5, "something-new", "question 05 already exists"),
        (32, "relu", "slug 'relu' already exists"),
        (32, "Bad_Slug", "kebab-case"),
        (100, "x", "question number must be 1-99"),
    ],
)
def test_refuses_duplicates_and_bad_names(docs, num, slug, message):
    with pytest.raises(scaffold.ScaffoldError, match=message):
        make(docs, num, slug)
    assert not list((docs / "questions").glob("3*.md"))


def test_refuses_unknown_concepts(docs):
    with pytest.raises(scaffold.ScaffoldError, match="unknown concept id 'nope'"):
        make(docs, concepts=["nope"])


def test_scaffolded_page_passes_the_strict_build(make_project):
    proj = make_project()
    make(proj / "docs", 31, "layernorm-vs-batchnorm")
    r = build(proj)
    assert r.returncode == 0, r.stdout + r.stderr
    assert (proj / "site" / "en" / "questions" / "31-layernorm-vs-batchnorm" / "index.html").exists()
