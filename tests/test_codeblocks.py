"""Every runnable Python block in the docs runs and its asserts hold."""

from __future__ import annotations

import sys

import pytest

from dlie import codeblocks

BLOCKS = codeblocks.all_blocks()
SIGNATURE = codeblocks.environment_signature()


@pytest.mark.parametrize("block", BLOCKS, ids=[b.label for b in BLOCKS])
def test_runnable_block_passes(block):
    ok, out = codeblocks.run_block_cached(block, signature=SIGNATURE)
    assert ok, out
    assert "assert" in block.code, f"{block.label}: a runnable block must prove its point with assert"


def test_every_question_page_has_exactly_one_runnable_block():
    pages = sorted(codeblocks.DOCS.glob("questions/[0-9][0-9]-*.md"))
    assert pages
    for p in pages:
        assert len(codeblocks.runnable_blocks(p)) == 1, f"{p.name}: expected one runnable code block"


def test_failing_block_is_reported_with_file_and_line(tmp_path):
    page = tmp_path / "bad.md"
    page.write_text("# t\n\ntext\n\n```{.python .runnable}\nx = 1\nassert x == 2, 'planted'\n```\n")
    [block] = codeblocks.runnable_blocks(page)
    ok, out = codeblocks.run_block(block)
    assert not ok
    assert "bad.md:5" in out and "planted" in out


def test_non_runnable_blocks_are_not_collected(tmp_path):
    page = tmp_path / "p.md"
    page.write_text("```python\nraise SystemExit(1)\n```\n\n    ```{.python .runnable}\n    assert True\n    ```\n")
    blocks = codeblocks.runnable_blocks(page)
    assert len(blocks) == 1 and blocks[0].code.strip() == "assert True"


def test_a_block_cannot_be_shadowed_by_a_file_of_the_working_tree(tmp_path, monkeypatch):
    """Blocks run isolated: a stray math.py (or numpy.py) in the current directory or on
    PYTHONPATH does not replace the module the block imports."""
    for where in (tmp_path / "cwd", tmp_path / "path"):
        where.mkdir()
        (where / "math.py").write_text("raise SystemExit('the working tree shadowed math')\n")
    monkeypatch.chdir(tmp_path / "cwd")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "path"))
    page = tmp_path / "p.md"
    page.write_text("```{.python .runnable}\nimport math\nassert math.sqrt(4) == 2\n```\n")
    [block] = codeblocks.runnable_blocks(page)
    ok, out = codeblocks.run_block(block)
    assert ok, out


def test_a_block_that_passed_is_not_run_again_until_its_code_or_environment_changes(tmp_path, monkeypatch):
    page = tmp_path / "p.md"
    page.write_text("```{.python .runnable}\nprint('ran')\nassert 1 + 1 == 2\n```\n")
    (block,) = codeblocks.runnable_blocks(page)
    runs = []
    real = codeblocks.run_block
    monkeypatch.setattr(codeblocks, "run_block", lambda b: runs.append(b.code) or real(b))
    assert codeblocks.run_block_cached(block, tmp_path / "c", "env 1") == (True, "ran")
    assert codeblocks.run_block_cached(block, tmp_path / "c", "env 1") == (True, "ran")
    assert len(runs) == 1  # the second answer came from the cache
    codeblocks.run_block_cached(block, tmp_path / "c", "env 2")  # another interpreter or package
    edited = codeblocks.Block(block.path, block.line, block.code.replace("2\n", "2 \n"))
    codeblocks.run_block_cached(edited, tmp_path / "c", "env 1")
    assert len(runs) == 3


def test_a_failing_block_is_never_answered_from_the_cache(tmp_path):
    page = tmp_path / "p.md"
    page.write_text("```{.python .runnable}\nassert 1 + 1 == 3\n```\n")
    (block,) = codeblocks.runnable_blocks(page)
    for _ in range(2):
        ok, out = codeblocks.run_block_cached(block, tmp_path / "c", "env")
        assert not ok and "AssertionError" in out
    assert not list(tmp_path.glob("c/*.out"))  # nothing kept for it


def test_the_environment_signature_names_the_interpreter_and_the_packages():
    assert sys.version in SIGNATURE and "numpy==" in SIGNATURE.casefold()
