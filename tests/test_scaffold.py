"""The question scaffolder: creates valid page pairs, refuses duplicates."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import QUESTIONS, ROOT, run_build
from dlie import codeblocks, glossary, pageschema, scaffold

TITLES = {"zh": "层归一化与批归一化的区别", "en": "Layer normalization vs batch normalization"}


@pytest.fixture
def docs(tmp_path):
    d = tmp_path / "docs"
    (d / "questions").mkdir(parents=True)
    shutil.copy(ROOT / "docs" / "concepts.yml", d / "concepts.yml")
    shutil.copytree(ROOT / "docs" / "ui", d / "ui")
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


NEW = max(QUESTIONS) + 1  # the next question number of the real site (its figure module must not exist)


def test_scaffolded_page_passes_the_strict_build(make_project):
    """The pages and the starter figure module that `make new-question` writes build as they are
    (the project's copy of the package is imported, as in a contributor's checkout)."""
    proj = make_project()
    paths = make(proj / "docs", NEW, "layernorm-vs-batchnorm", figures_dir=proj / "hooks" / "dlie" / "figures")
    assert f"q{NEW}.py" in [p.name for p in paths]
    r = run_build(proj, proj / "site", {"PYTHONPATH": str(proj / "hooks")})
    assert r.returncode == 0, r.stdout + r.stderr
    page = proj / "site" / "en" / "questions" / f"{NEW}-layernorm-vs-batchnorm" / "index.html"
    assert f'id="fig-q{NEW}-main"' in page.read_text(encoding="utf-8")


def repo_files() -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True
    )
    return [f for f in out.stdout.splitlines() if (ROOT / f).is_file()]


@pytest.mark.slow
def test_the_fast_suite_passes_with_one_more_question(tmp_path):
    """No test or stage assumes the question count: a copy of the repository with one more question made by
    `make new-question` passes the strict build and the whole fast suite."""
    repo = tmp_path / "repo"
    for rel in repo_files():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, repo / rel)
    (repo / "node_modules").symlink_to(ROOT / "node_modules")
    env = {**os.environ, "PYTHONPATH": str(repo / "hooks"), "NO_MKDOCS_2_WARNING": "1", "SITE_DIR": str(repo / "site")}
    new = [sys.executable, "-m", "dlie.scaffold", str(NEW), "layernorm-vs-batchnorm", TITLES["zh"], TITLES["en"]]
    r = subprocess.run(
        [*new, "--concepts", "layer-normalization", "--tags", "normalization"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert (repo / "hooks" / "dlie" / "figures" / f"q{NEW}.py").is_file()
    r = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(repo / "site")],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-x",
            "-m",
            "not slow and not browser",
            "-p",
            "no:cacheprovider",
            "-n",
            "0",
        ],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
