"""Chinese copywriting lint for the docs (autocorrect), with formulas protected, and the house
style lint (dlie.stylelint: calques, citations, cross-references, spelling, terms, sizes, case).

autocorrect knows Markdown code but not ``$...$`` math, where it would "fix" commas; math
spans are masked with placeholder tokens before linting or formatting and restored after.

  python -m dlie.textlint [FILES...]         report problems (exit 1 if any)
  python -m dlie.textlint --fix [FILES...]   rewrite the files (house style's safe fixes first)

Without FILES: the pages and templates, plus CONTRIBUTING.md, docs/concepts.yml and
docs/ui/en.yml for the house style.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import autocorrect_py as ac

ROOT = Path(__file__).resolve().parents[2]
MATH_RE = re.compile(r"\$\$.*?\$\$|(?<![\\$])\$(?!\s)[^$\n]+?(?<!\s)\$", re.S)
TOKEN = "MATHSPAN{}X"
TOKEN_RE = re.compile(r"MATHSPAN(\d+)X")
_configured = False


def _configure() -> None:
    global _configured
    if not _configured:
        rc = ROOT / ".autocorrectrc"
        if rc.exists():
            ac.load_config(rc.read_text(encoding="utf-8"))
        _configured = True


def mask(text: str) -> tuple[str, list[str]]:
    """Replace math spans by tokens (newlines inside display math are kept)."""
    spans: list[str] = []

    def repl(m):
        spans.append(m.group(0))
        return TOKEN.format(len(spans) - 1) + "\n" * m.group(0).count("\n")

    return MATH_RE.sub(repl, text), spans


def unmask(text: str, spans: list[str]) -> str:
    def repl(m):
        span = spans[int(m.group(1))]
        return span

    out = TOKEN_RE.sub(repl, text)
    # drop the newlines that stood in for multi-line display math
    for span in spans:
        n = span.count("\n")
        if n:
            out = out.replace(span + "\n" * n, span, 1)
    return out


def lint_text(text: str, path: str) -> list[tuple[int, str, str]]:
    """(line, old, new) for every line autocorrect would change."""
    _configure()
    masked, _ = mask(text)
    result = ac.lint_for(masked, path)
    return [(ln.line, ln.old, ln.new) for ln in result.lines]


def fix_text(text: str, path: str) -> str:
    _configure()
    masked, spans = mask(text)
    return unmask(ac.format_for(masked, path), spans)


def doc_files() -> list[Path]:
    return sorted((ROOT / "docs").rglob("*.md")) + sorted((ROOT / "templates").glob("*.md"))


def main(argv: list[str]) -> int:
    from dlie import stylelint

    fix = "--fix" in argv
    given = [Path(a) for a in argv if a != "--fix"]
    files = [f for f in given if f.suffix == ".md"] if given else doc_files()
    problems = 0
    for f in given or stylelint.style_files():
        if fix and stylelint.fix_file(f):
            print(f"fixed house style in {f}")
        for p in stylelint.lint_file(f):
            problems += not fix
            print(p.format(str(f)) if not fix else f"left for a human: {p.format(str(f))}")
    for f in files:
        text = f.read_text(encoding="utf-8")
        if fix:
            new = fix_text(text, str(f))
            if new != text:
                f.write_text(new, encoding="utf-8")
                print(f"fixed {f}")
            continue
        for line, old, new in lint_text(text, str(f)):
            problems += 1
            print(f"{f}:{line}: Chinese copywriting\n  - {old.strip()}\n  + {new.strip()}")
    if problems:
        print(f"{problems} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
