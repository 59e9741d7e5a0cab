"""Create a new question page pair from templates/ (``make new-question``).

  python -m dlie.scaffold NUM SLUG "中文标题" "English title" [--concepts a,b] [--tags x,y]
                           [--difficulty basic|intermediate|advanced]

Missing arguments are asked for interactively. Refuses a number or a slug that already
exists; concept ids, tags and the difficulty are checked against docs/concepts.yml.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from dlie import glossary, pageschema

ROOT = Path(__file__).resolve().parents[2]

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class ScaffoldError(ValueError):
    pass


def front_matter(title: str, num: int, concepts: list[str], difficulty: str, tags: list[str]) -> str:
    def flow(xs):
        return "[" + ", ".join(xs) + "]"

    title_yaml = '"' + title.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return (
        f"---\ntitle: {title_yaml}\nseed: {num}\nconcepts: {flow(concepts)}\n"
        f"difficulty: {difficulty}\ntags: {flow(tags)}\n---\n"
    )


def languages_of(docs: Path) -> tuple[str, ...]:
    """The site's languages: one UI table each in docs/ui/ (the default, zh, first)."""
    found = sorted(p.stem for p in (docs / "ui").glob("*.yml"))
    if not found:
        raise ScaffoldError(f"{docs / 'ui'}: no UI tables, so no languages")
    return tuple(sorted(found, key=lambda x: (x != "zh", x)))


FIGURE_MODULE = '''"""Figures of question {num} ({title})."""

from __future__ import annotations

import numpy as np

from dlie.figures import figure
from dlie.figures.style import C

# Every text of a figure, in every language (same keys).
LABELS = {labels}


@figure("q{num:02d}/main", size=(4.8, 2.6))
def main(fig, t):
    """Replace with the figure this question needs; compute its numbers with the functions the
    page's runnable code uses (see dlie.nn), never typed by hand."""
    ax = fig.add_axes((0.14, 0.2, 0.8, 0.7))
    x = np.linspace(-3, 3, 61)
    ax.plot(x, np.tanh(x), color=C.accent)
    ax.set_xlabel(t["x"])
    ax.set_ylabel(t["y"])
'''


def figure_module(num: int, titles: dict[str, str], langs: tuple[str, ...]) -> str:
    words = {"zh": ("输入", "输出"), "en": ("input", "output")}
    labels = {lang: dict(zip(("x", "y"), words.get(lang, words["en"]), strict=True)) for lang in langs}
    return FIGURE_MODULE.format(num=num, title=titles.get("en", ""), labels=json.dumps(labels, ensure_ascii=False))


def create(
    docs: Path,
    templates: Path,
    num: int,
    slug: str,
    titles: dict[str, str],
    concepts: list[str],
    difficulty: str,
    tags: list[str],
    figures_dir: Path | None = None,
) -> list[Path]:
    """Write questions/NN-slug.<lang>.md for every language and, with ``figures_dir``, the
    question's figure module qNN.py (one starter figure the pages place); returns the paths.
    Raises ScaffoldError."""
    if not 1 <= num <= pageschema.SEED_COUNT:
        raise ScaffoldError(f"question number must be 1-{pageschema.SEED_COUNT}, got {num}")
    if not SLUG_RE.match(slug):
        raise ScaffoldError(f"slug must be kebab-case (a-z, 0-9, '-'), got {slug!r}")
    qdir = docs / "questions"
    for existing in sorted(qdir.glob("*.md")):
        m = pageschema.QUESTION_RE.match(f"questions/{existing.name}")
        if not m:
            continue
        if int(m.group("num")) == num:
            raise ScaffoldError(f"question {num:02d} already exists: {existing.relative_to(docs)}")
        if m.group("slug") == slug:
            raise ScaffoldError(f"slug '{slug}' already exists: {existing.relative_to(docs)}")
    langs = languages_of(docs)
    g = glossary.load_glossary(docs / "concepts.yml", langs)
    for lang in langs:
        if not titles.get(lang, "").strip():
            raise ScaffoldError(f"a {lang} title is required")
    figures = figures_dir / f"q{num:02d}.py" if figures_dir else None
    if figures is not None and figures.exists():
        raise ScaffoldError(f"{figures} already exists")
    paths = []
    for lang in langs:
        meta = {"title": titles[lang], "seed": num, "concepts": concepts, "difficulty": difficulty, "tags": tags}
        rel = f"questions/{num:02d}-{slug}.{lang}.md"
        errs = pageschema.validate_question_meta(meta, rel, set(g.concepts), set(g.tags), set(g.levels))
        if errs:
            raise ScaffoldError("\n".join(errs))
        _, body = pageschema.read_front_matter((templates / f"question.{lang}.md").read_text(encoding="utf-8"))
        body = body.replace("figure:qNN/", f"figure:q{num:02d}/").replace("qNN.py", f"q{num:02d}.py")
        paths.append((docs / rel, front_matter(titles[lang], num, concepts, difficulty, tags) + body))
    if figures is not None:
        paths.append((figures, figure_module(num, titles, langs)))
    for lang in langs:
        home = docs / f"index.{lang}.md"
        if home.exists():
            row = f"| {num} | [{titles[lang]}](questions/{num:02d}-{slug}.md) | |"
            old = home.read_text(encoding="utf-8")
            new = add_to_home(old, num, row, g.parts, lang)
            if new != old:
                paths.append((home, new))
    for path, text in paths:
        path.write_text(text, encoding="utf-8")
    return [p for p, _ in paths]


TABLE_ROW_RE = re.compile(r"^\| *(\d+) *\|")


def add_to_home(text: str, num: int, row: str, parts: list, lang: str) -> str:
    """The home page with ``row`` added to the question table of the part holding question
    ``num``, in number order: under the ``## `` heading that names the part (a new heading and
    table, after the previous part's table, when the part has none yet). Without parts: the
    first table of question rows. A home page without any question table is returned unchanged."""
    lines = text.split("\n")
    part = max((p for p in parts if p.first <= num), key=lambda p: p.first, default=None)

    def heading_of(p) -> int | None:
        return next((i for i, x in enumerate(lines) if x.startswith("## ") and p.labels[lang] in x), None)

    def table_after(start: int) -> tuple[int, int] | None:
        rows = [i for i in range(start, len(lines)) if TABLE_ROW_RE.match(lines[i])]
        if not rows:
            return None
        end = rows[0]
        while end + 1 < len(lines) and lines[end + 1].startswith("|"):
            end += 1
        return rows[0], end

    start = heading_of(part) if part is not None else 0
    if start is None:  # the part's first question: a heading and a table after the previous part's
        prev = [p for p in parts if p.first < part.first]
        at = heading_of(prev[-1]) if prev else None
        table = table_after(at) if at is not None else table_after(0)
        if table is None:  # a home page without a question list (a minimal project) is left as it is
            return text
        header = lines[table[0] - 2 : table[0]]
        lines[table[1] + 1 : table[1] + 1] = ["", f"## {part.labels[lang]}", "", *header, row]
        return "\n".join(lines)
    table = table_after(start)
    if table is None:
        raise ScaffoldError(f"no question table under '{lines[start]}' on the home page (index.{lang}.md)")
    first, last = table
    at = next((i for i in range(first, last + 1) if int(TABLE_ROW_RE.match(lines[i]).group(1)) > num), last + 1)
    lines.insert(at, row)
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("num", nargs="?", type=int)
    ap.add_argument("slug", nargs="?")
    ap.add_argument("title_zh", nargs="?")
    ap.add_argument("title_en", nargs="?")
    ap.add_argument("--concepts", default="deep-learning")
    ap.add_argument("--tags", default="fundamentals")
    ap.add_argument("--difficulty", default="intermediate")
    ap.add_argument("--docs", default=str(ROOT / "docs"))
    ap.add_argument("--figures", default=str(Path(__file__).resolve().parent / "figures"))
    a = ap.parse_args(argv)
    num = a.num if a.num is not None else int(input("题号 / question number (NN): "))
    slug = a.slug or input("slug (kebab-case, e.g. layer-normalization): ").strip()
    title_zh = a.title_zh or input("中文标题: ").strip()
    title_en = a.title_en or input("English title: ").strip()
    try:
        paths = create(
            Path(a.docs),
            ROOT / "templates",
            num,
            slug,
            {"zh": title_zh, "en": title_en},
            [c.strip() for c in a.concepts.split(",") if c.strip()],
            a.difficulty,
            [t.strip() for t in a.tags.split(",") if t.strip()],
            Path(a.figures),
        )
    except (ScaffoldError, glossary.GlossaryError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    for p in paths:
        verb = "listed in" if p.name.startswith("index.") else "created"
        print(f"{verb} {p.relative_to(ROOT) if p.is_relative_to(ROOT) else p}")
    print("next: write the pages and the figure, give the question a topic on the home page, run `make check-fast`.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
