"""Front matter of question pages: loading and validation (pure functions).

Used by the ``content_checks`` hook (fails the build), by the tests and by the question
scaffolder. A question page is ``docs/questions/NN-slug.<lang>.md``; its front matter::

    title: <page title in this language>
    seed: <NN, the question number: the seed list's 1-30, new questions 31-99>
    concepts: [<concept ids from docs/concepts.yml>]   # primary concepts, 1-6
    difficulty: basic | intermediate | advanced
    tags: [<tag ids from docs/concepts.yml>]            # 1-3

The two languages carry the same values for every key except ``title``.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

LANGS = ("zh", "en")
QUESTION_RE = re.compile(
    r"^questions/(?P<num>\d\d)-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.(?P<lang>[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)*)\.md$"
)
FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(\n|\Z)", re.S)
REQUIRED = ("title", "seed", "concepts", "difficulty", "tags")
OPTIONAL = ("search", "hide", "description")
SHARED = ("seed", "concepts", "difficulty", "tags")
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: much faster
SEED_COUNT = 99  # questions are numbered NN (two digits); the seed list has 1-30


class FrontMatterError(ValueError):
    pass


def read_front_matter(text: str, path: str = "<page>") -> tuple[dict, str]:
    """Split a Markdown file into (front matter dict, body). Raises FrontMatterError."""
    if not text.startswith("---"):
        return {}, text
    m = FRONT_MATTER_RE.match(text)
    if not m:
        raise FrontMatterError(f"{path}: front matter opened with '---' but never closed")
    try:
        data = yaml.load(m.group(1) or "", Loader=SafeLoader) or {}
    except yaml.YAMLError as e:
        raise FrontMatterError(f"{path}: front matter is not valid YAML: {e}") from None
    if not isinstance(data, dict):
        raise FrontMatterError(f"{path}: front matter must be a mapping, got {type(data).__name__}")
    return data, text[m.end() :]


def validate_question_meta(
    meta: dict, path: str, concept_ids: set[str], tag_ids: set[str], levels: set[str]
) -> list[str]:
    """Problems with one question page's front matter (empty list if valid)."""
    errs = []
    m = QUESTION_RE.match(path)
    if not m:
        return [f"{path}: question pages are named questions/NN-slug.zh.md / .en.md"]
    for key in REQUIRED:
        if key not in meta:
            errs.append(f"{path}: front matter lacks '{key}'")
    for key in meta:
        if key not in REQUIRED + OPTIONAL:
            errs.append(f"{path}: unknown front matter key '{key}'")
    title = meta.get("title")
    if "title" in meta and (not isinstance(title, str) or not title.strip()):
        errs.append(f"{path}: 'title' must be a non-empty string")
    seed = meta.get("seed")
    if "seed" in meta:
        if not isinstance(seed, int) or isinstance(seed, bool) or not 1 <= seed <= SEED_COUNT:
            errs.append(f"{path}: 'seed' must be an integer from 1 to {SEED_COUNT}, got {seed!r}")
        elif seed != int(m.group("num")):
            errs.append(f"{path}: 'seed: {seed}' does not match the file number {m.group('num')}")
    for key, known, lo, hi in (("concepts", concept_ids, 1, 6), ("tags", tag_ids, 1, 3)):
        if key not in meta:
            continue
        val = meta[key]
        if not isinstance(val, list) or not all(isinstance(x, str) for x in val):
            errs.append(f"{path}: '{key}' must be a list of ids")
            continue
        if not lo <= len(val) <= hi:
            errs.append(f"{path}: '{key}' must list {lo} to {hi} ids, got {len(val)}")
        if len(set(val)) != len(val):
            errs.append(f"{path}: '{key}' lists an id twice")
        for x in val:
            if x not in known:
                kind = "concept id" if key == "concepts" else "tag"
                errs.append(f"{path}: unknown {kind} '{x}' (see docs/concepts.yml)")
    if "difficulty" in meta and meta["difficulty"] not in levels:
        errs.append(f"{path}: 'difficulty' must be one of {sorted(levels)}, got {meta['difficulty']!r}")
    return errs


def parity_problems(path_a: str, meta_a: dict, path_b: str, meta_b: dict) -> list[str]:
    """The two languages of a page must share every front matter value but the title."""
    errs = []
    keys = (set(meta_a) | set(meta_b)) - {"title"}
    for key in sorted(keys):
        if meta_a.get(key) != meta_b.get(key):
            errs.append(f"{path_a} and {path_b} differ in '{key}': {meta_a.get(key)!r} vs {meta_b.get(key)!r}")
    return errs


def check_docs(
    docs_dir: Path, concept_ids: set[str], tag_ids: set[str], levels: set[str], langs: tuple[str, ...] = LANGS
) -> list[str]:
    """Validate the front matter of every page under docs_dir; returns problems. Every language's
    page must carry the same values as the first (default) language's."""
    problems: list[str] = []
    metas: dict[str, dict] = {}
    for p in sorted(docs_dir.rglob("*.md")):
        rel = p.relative_to(docs_dir).as_posix()
        try:
            meta, _ = read_front_matter(p.read_text(encoding="utf-8"), rel)
        except FrontMatterError as e:
            problems.append(str(e))
            continue
        except UnicodeDecodeError:
            problems.append(f"{rel}: not valid UTF-8")
            continue
        if rel.startswith("questions/") and not rel.startswith("questions/index."):
            problems += validate_question_meta(meta, rel, concept_ids, tag_ids, levels)
            metas[rel] = meta
    seen_seeds: dict[tuple[int, str], str] = {}
    for rel, meta in metas.items():
        first = f".{langs[0]}.md"
        if rel.endswith(first):
            for other in langs[1:]:
                twin = rel[: -len(first)] + f".{other}.md"
                if twin in metas:
                    problems += parity_problems(rel, meta, twin, metas[twin])
        m = QUESTION_RE.match(rel)
        if m:
            key = (int(m.group("num")), m.group("lang"))
            if key in seen_seeds:
                problems.append(f"{rel}: question number {m.group('num')} is already used by {seen_seeds[key]}")
            seen_seeds[key] = rel
    return problems


def docs_signature(docs_dir: Path) -> tuple:
    """Changes whenever a file under docs/ changes (names, sizes, mtimes): lets hooks do
    their whole-docs work once per build although static-i18n builds each language."""
    return tuple(sorted((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in docs_dir.rglob("*.*")))
