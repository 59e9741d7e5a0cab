"""Runnable code blocks in the docs: every ```{.python .runnable} fence is executed.

A block passes when it exits with status 0 (its ``assert``s hold). Usage:
``python tests/codeblocks.py [FILES...]`` (default: every page under docs/).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"
FENCE_RE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})\{(?P<attrs>[^}]*)\}[ \t]*$")


@dataclass
class Block:
    path: Path
    line: int  # 1-based line of the opening fence
    code: str

    @property
    def label(self) -> str:
        try:
            rel = self.path.relative_to(DOCS.parent)
        except ValueError:
            rel = self.path
        return f"{rel.as_posix()}:{self.line}"


def runnable_blocks(path: Path) -> list[Block]:
    """Fenced blocks whose attributes include both .python and .runnable."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks, i = [], 0
    while i < len(lines):
        m = FENCE_RE.match(lines[i])
        if m and {".python", ".runnable"} <= set(m.group("attrs").split()):
            indent, fence = m.group("indent"), m.group("fence")
            body, j = [], i + 1
            while j < len(lines) and not lines[j].strip().startswith(fence):
                body.append(lines[j][len(indent) :] if lines[j].startswith(indent) else lines[j])
                j += 1
            if j >= len(lines):
                raise ValueError(f"{path}:{i + 1}: runnable code block is never closed")
            blocks.append(Block(path, i + 1, "\n".join(body) + "\n"))
            i = j
        i += 1
    return blocks


def run_block(block: Block, timeout: float = 60) -> tuple[bool, str]:
    """Run one block in a fresh, isolated interpreter (``-I``: no current directory, PYTHONPATH or
    user site on its path) in an empty temporary directory, so no file of the working tree can
    shadow a module the block imports; returns (passed, output)."""
    import tempfile

    try:
        with tempfile.TemporaryDirectory(prefix="codeblock-") as cwd:
            r = subprocess.run(
                [sys.executable, "-I", "-c", block.code], capture_output=True, text=True, timeout=timeout, cwd=cwd
            )
    except subprocess.TimeoutExpired:
        return False, f"{block.label}: timed out after {timeout} s"
    out = (r.stdout + r.stderr).strip()
    if r.returncode != 0:
        return False, f"{block.label}: code block failed (exit {r.returncode}):\n{out}"
    return True, out


CACHE_DIR = DOCS.parent / ".cache" / "codeblocks"


def environment_signature() -> str:
    """What a block's result depends on besides its code: the interpreter, every installed
    package and version (what ``-I`` lets a block import) and this runner."""
    from importlib.metadata import distributions

    packages = sorted(f"{d.metadata['Name']}=={d.version}" for d in distributions())
    return "\n".join([sys.version, *packages, Path(__file__).read_text(encoding="utf-8")])


def run_block_cached(block: Block, cache_dir: Path = CACHE_DIR, signature: str | None = None) -> tuple[bool, str]:
    """:func:`run_block`, answered from ``cache_dir`` for a block that passed before with the same
    code in the same environment (a file per passing block, keyed by both). A failure is never
    kept: a failing block runs again every time."""
    import hashlib

    key = hashlib.sha256(((signature or environment_signature()) + "\0" + block.code).encode()).hexdigest()
    hit = cache_dir / f"{key}.out"
    if hit.is_file():
        return True, hit.read_text(encoding="utf-8")
    ok, out = run_block(block)
    if ok:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = hit.with_suffix(f".{os.getpid()}.tmp")  # two test workers may pass the same block
        tmp.write_text(out, encoding="utf-8")
        tmp.replace(hit)
    return ok, out


def all_blocks(paths=None) -> list[Block]:
    paths = paths or sorted(DOCS.rglob("*.md"))
    return [b for p in paths for b in runnable_blocks(Path(p))]


if __name__ == "__main__":
    failed = 0
    for b in all_blocks([Path(p) for p in sys.argv[1:]] or None):
        ok, out = run_block(b)
        print(("PASS " if ok else "FAIL ") + b.label)
        if not ok:
            print(out)
            failed += 1
    sys.exit(1 if failed else 0)


def definitions(block: Block) -> dict:
    """Run a block in this interpreter and return its globals (its functions and constants), so a
    test can check that a figure computes what the page's own code computes."""
    namespace: dict = {"__name__": "page_block"}
    exec(compile(block.code, block.label, "exec"), namespace)
    return namespace
