"""Front matter schema, translation parity, and bad input failing the build with the file named."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, build
from dlie import glossary, pageschema

G = glossary.load_glossary(ROOT / "docs" / "concepts.yml")
IDS, TAGS, LEVELS = set(G.concepts), set(G.tags), set(G.levels)
GOOD = {"title": "T", "seed": 5, "concepts": ["relu"], "difficulty": "basic", "tags": ["activation"]}


def check(meta, path="questions/05-relu.en.md"):
    return pageschema.validate_question_meta(meta, path, IDS, TAGS, LEVELS)


def test_valid_front_matter_passes():
    assert check(GOOD) == []


@pytest.mark.parametrize(
    "change, expect",
    [
        ({"concepts": ["no-such-concept"]}, "unknown concept id 'no-such-concept'"),
        ({"tags": ["nope"]}, "unknown tag 'nope'"),
        ({"difficulty": "easy"}, "'difficulty' must be one of"),
        ({"seed": 6}, "does not match the file number 05"),
        ({"seed": "5"}, "'seed' must be an integer"),
        ({"concepts": []}, "'concepts' must list 1 to 6 ids"),
        ({"concepts": ["relu", "relu"]}, "lists an id twice"),
        ({"title": ""}, "'title' must be a non-empty string"),
        ({"colour": "red"}, "unknown front matter key 'colour'"),
    ],
)
def test_invalid_front_matter_is_named(change, expect):
    errs = check({**GOOD, **change})
    assert any(expect in e and "questions/05-relu.en.md" in e for e in errs), errs


def test_missing_key_and_bad_file_name():
    meta = dict(GOOD)
    del meta["tags"]
    assert any("lacks 'tags'" in e for e in check(meta))
    assert check(GOOD, "questions/5-relu.en.md")[0].endswith("questions/NN-slug.zh.md / .en.md")


def test_broken_yaml_is_reported_with_path():
    with pytest.raises(pageschema.FrontMatterError, match="x.md: front matter is not valid YAML"):
        pageschema.read_front_matter("---\ntitle: [unclosed\n---\nbody", "x.md")
    with pytest.raises(pageschema.FrontMatterError, match="never closed"):
        pageschema.read_front_matter("---\ntitle: a\nbody", "x.md")


def test_parity_problems():
    a, b = dict(GOOD), {**GOOD, "title": "other", "difficulty": "advanced"}
    errs = pageschema.parity_problems("a.zh.md", a, "a.en.md", b)
    assert len(errs) == 1 and "'difficulty'" in errs[0]


def test_real_docs_are_valid():
    assert pageschema.check_docs(ROOT / "docs", IDS, TAGS, LEVELS) == []


def test_every_page_has_its_twin_with_the_same_front_matter_keys():
    docs = ROOT / "docs"
    for p in sorted(docs.rglob("*.md")):
        rel = p.relative_to(docs).as_posix()
        lang = "zh" if rel.endswith(".zh.md") else "en"
        other = "en" if lang == "zh" else "zh"
        twin = p.with_name(p.name[: -len(f".{lang}.md")] + f".{other}.md")
        assert twin.exists(), f"{rel} has no {other} translation"
        ma, _ = pageschema.read_front_matter(p.read_text(encoding="utf-8"), rel)
        mb, _ = pageschema.read_front_matter(twin.read_text(encoding="utf-8"), str(twin))
        assert set(ma) == set(mb), f"{rel}: front matter keys differ from its twin"


def test_question_pages_have_the_sections_in_order():
    import re

    import yaml

    sections = {
        p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))["sections"] for p in (ROOT / "docs" / "ui").glob("*.yml")
    }
    pages = sorted((ROOT / "docs" / "questions").glob("[0-9][0-9]-*.md"))
    assert pages
    for p in pages:
        _, body = pageschema.read_front_matter(p.read_text(encoding="utf-8"), p.name)
        heads = re.findall(r"^## (.+?)\s*$", body, re.M)
        assert heads == sections[p.name.rsplit(".", 2)[1]], f"{p.name}: sections {heads}"


# --- bad input fails the strict build, naming the file -------------------------------------


def test_minimal_project_builds(make_project):
    r = build(make_project())
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.parametrize(
    "fault, path, needle",
    [
        ("broken-front-matter", "questions/01-test.zh.md", "front matter is not valid YAML"),
        ("missing-translation", "questions/02-extra.zh.md", "has no translation questions/02-extra.en.md"),
        ("broken-link", "questions/01-test.en.md", "no-such-page.md"),
        ("broken-anchor", "questions/01-test.en.md", "#no-such-anchor"),
        ("unknown-concept", "questions/01-test.zh.md", "unknown concept id 'not-a-concept'"),
    ],
)
def test_bad_input_fails_the_build_naming_the_file(make_project, fault, path, needle):
    proj = make_project()
    docs = proj / "docs"
    page = docs / path
    if fault == "broken-front-matter":
        page.write_text(page.read_text().replace("seed: 1", "seed: [1"), encoding="utf-8")
    elif fault == "missing-translation":
        page.write_text((docs / "questions/01-test.zh.md").read_text().replace("seed: 1", "seed: 2"))
    elif fault == "broken-link":
        page.write_text(page.read_text() + "\nSee [this](no-such-page.md).\n")
    elif fault == "broken-anchor":
        page.write_text(page.read_text() + "\nSee [this](../index.md#no-such-anchor).\n")
    elif fault == "unknown-concept":
        page.write_text(page.read_text().replace("[relu]", "[not-a-concept]"))
        en = docs / "questions/01-test.en.md"
        en.write_text(en.read_text().replace("[relu]", "[not-a-concept]"))
    r = build(proj)
    out = r.stdout + r.stderr
    assert r.returncode != 0, out
    assert needle in out, out
    assert Path(path).name.split(".")[0] in out, out
