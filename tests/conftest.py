"""Shared fixtures: one strict build of the real site per test session, and a helper that
builds a throw-away copy of the project with planted faults."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

MKDOCS = [sys.executable, "-m", "mkdocs"]


def question_numbers(root: Path = ROOT) -> list[int]:
    """The numbers of the site's questions, from the content (never a hard-coded count)."""
    return sorted({int(p.name[:2]) for p in (root / "docs" / "questions").glob("[0-9][0-9]-*.md")})


QUESTIONS = question_numbers()
N_QUESTIONS = len(QUESTIONS)


def run_build(project: Path, site_dir: Path, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env_extra or {})}
    return subprocess.run(
        [*MKDOCS, "build", "--strict", "-f", str(project / "mkdocs.yml"), "-d", str(site_dir)],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The real site, built once (strict). SITE_DIR=path reuses an existing build."""
    if os.environ.get("SITE_DIR"):
        return Path(os.environ["SITE_DIR"]).resolve()
    out = tmp_path_factory.mktemp("built") / "site"
    r = run_build(ROOT, out)
    assert r.returncode == 0, f"strict build failed:\n{r.stdout}\n{r.stderr}"
    return out


MINIMAL_QUESTION = {
    "zh": """---
title: 测试题
seed: 1
concepts: [relu]
difficulty: basic
tags: [activation]
---

## 题目

公式 $a^2$ 与[首页](../index.md)。
""",
    "en": """---
title: Test question
seed: 1
concepts: [relu]
difficulty: basic
tags: [activation]
---

## Question

Formula $a^2$ and [home](../index.md).
""",
}


@pytest.fixture
def make_project(tmp_path):
    """Copy the project's build configuration with a minimal docs/ tree; returns a builder.

    ``project = make_project()``; edit files under ``project / "docs"``; then
    ``build(project)`` returns the CompletedProcess of a strict build."""

    def make() -> Path:
        proj = tmp_path / "proj"
        proj.mkdir()
        for name in ("mkdocs.yml",):
            shutil.copy(ROOT / name, proj / name)
        for d in ("hooks", "overrides"):
            shutil.copytree(ROOT / d, proj / d)
        (proj / "node_modules").symlink_to(ROOT / "node_modules")
        docs = proj / "docs"
        (docs / "questions").mkdir(parents=True)
        shutil.copy(ROOT / "docs" / "concepts.yml", docs / "concepts.yml")
        shutil.copytree(ROOT / "docs" / "assets", docs / "assets")
        shutil.copytree(ROOT / "docs" / "concepts", docs / "concepts")
        shutil.copytree(ROOT / "docs" / "ui", docs / "ui")
        for lang in ("zh", "en"):
            (docs / f"index.{lang}.md").write_text(f"# Home {lang}\n", encoding="utf-8")
            (docs / "questions" / f"01-test.{lang}.md").write_text(MINIMAL_QUESTION[lang], encoding="utf-8")
        return proj

    return make


def load_ui(lang: str) -> dict:
    import yaml

    return yaml.safe_load((ROOT / "docs" / "ui" / f"{lang}.yml").read_text(encoding="utf-8"))


def interface_strings(lang: str, g) -> list[str]:
    """The interface the build puts on pages, in ``lang`` (``g``: the glossary): study controls
    and tools, progress states, difficulty badges, the concept and related-question blocks and
    the concept index's lists. None of it belongs in the search index or in search results."""
    ui = load_ui(lang)
    st, co = ui["study"], ui["concepts"]
    keys = ("practice", "reveal", "hide", "reveal_all", "progress", "random", "see_all", "reset", "export", "import")
    strings = [st[k] for k in (*keys, "import_help", "storage")] + st["states"]
    strings += [f"{st['difficulty']}{ui['colon']}{g.levels[level][lang]}" for level in g.levels]
    strings += [co[k] for k in ("concepts", "related", "explained_in", "mentioned_in", "related_concepts")]
    return [*strings, ui["pdf_download"]]


def build(project: Path) -> subprocess.CompletedProcess:
    return run_build(project, project / "site")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "make_project" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)
