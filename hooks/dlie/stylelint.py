"""House-style lint (issue #26): the rules of CONTRIBUTING's 写作规范 / Writing rules that a machine
can check, with the data (calques, British spellings, term choices) in docs/style.yml.

Rules, each reported as ``file:line: rule: «found» -> suggestion``:

- ``calque``: wording from the list (「少 N 倍」, "the circulated answer", …), both languages;
- ``citation``: Chinese 「与」 between two authors and 「等」 for more (never 和 / & / et al.);
  English "and" between two authors in prose, "&" only inside brackets, "et al." for three or more;
- ``xref``: 「见 [第 N 题](NN-….md)」 in Chinese, "[Question N](NN-….md)" in English, and the
  number in the link text must be the linked question's;
- ``spelling``: British -> US spelling in English prose, the glossary's English names and
  definitions and the English interface strings;
- ``term``: the glossary concept's Chinese word in Chinese prose (嵌入, not embedding), and the
  English words that stay English (one-hot, not 独热);
- ``size``: "3×3" with U+00D7 in prose, not "3x3" nor "$3\\times3$";
- ``case``: lower-case softmax / sigmoid / tanh mid-sentence in English.

Code (fenced and inline), math, link targets, URLs, HTML, attribute lists and front matter other
than the title are never looked at; the References section is skipped by every rule but the
cross-reference one (paper titles keep their spelling, case and author lists). Pure functions: the
tests call ``lint_markdown`` / ``fix_markdown`` on strings; ``python -m dlie.textlint`` runs them on
the repository next to the Chinese copywriting lint, and ``--fix`` (``make fix``) applies the fixes
that cannot change the meaning (spelling, size, case, citation connectives, cross-reference form).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
STYLE_FILE = ROOT / "docs" / "style.yml"
CODE, MATH = "\x00", "\x01"  # fillers of masked text: same length, newlines kept
CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Problem:
    line: int
    rule: str
    found: str
    say: str
    start: int = -1  # offsets in the checked text, for fixes
    end: int = -1
    fix: str | None = None  # the replacement of text[start:end], when it is safe

    def format(self, path: str) -> str:
        return f"{path}:{self.line}: {self.rule}: «{self.found}» -> {self.say}"


@dataclass
class Style:
    calques: dict[str, list[tuple[re.Pattern, str, list[str]]]]
    spelling: dict[str, str]
    spelling_re: re.Pattern
    ise_re: re.Pattern
    terms: list[tuple[re.Pattern, str, str]]  # (English word in zh prose, zh word, concept)
    keep: list[tuple[re.Pattern, str]]  # (zh word not to use, the English word that stays)
    lowercase_re: re.Pattern


def parse_style(data: dict) -> Style:
    calques = {
        lang: [(re.compile(e["find"]), e["say"], list(e.get("except") or [])) for e in entries]
        for lang, entries in data["calques"].items()
    }
    spelling = {k.lower(): v.lower() for k, v in data["spelling"].items()}
    words = "|".join(sorted(map(re.escape, spelling), key=len, reverse=True))
    stems = "|".join(sorted(set(data["ise_stems"]), key=len, reverse=True))
    terms = [
        (re.compile(rf"(?<![\w-])(?:{t['en']})(?![\w-])", re.I), t["zh"], t.get("concept", ""))
        for t in data["terms"]["zh"]
    ]
    keep = [(re.compile(re.escape(k["not"])), k["en"]) for k in data["terms"]["keep"]]
    low = "|".join(w.capitalize() for w in data["lowercase_en"])
    return Style(
        calques,
        spelling,
        re.compile(rf"(?<![\w-])(?:{words})(?![\w-])", re.I),
        re.compile(rf"(?<![\w-])(?:{stems})s(?:e|ed|es|ing|ation|ations|er|ers)(?![\w-])", re.I),
        terms,
        keep,
        # mid-sentence: after a lower-case word, a digit, a comma, a semicolon, a colon or a
        # formula; not part of a proper name ("Sigmoid Linear Unit", "Softmax-Attention Net")
        re.compile(rf"(?<=[a-z0-9,;:{MATH}][ (\"“])(?:{low})(?![\w-])(?![ -][A-Z])"),
    )


@functools.cache
def load_style(path: str | Path = STYLE_FILE) -> Style:
    return parse_style(yaml.safe_load(Path(path).read_text(encoding="utf-8")))


# ---- what is prose --------------------------------------------------------------------------
FRONT_RE = re.compile(r"\A---\n.*?\n---\n", re.S)
FENCE_RE = re.compile(r"^[ \t]*(`{3,}|~{3,}).*?^[ \t]*\1[ \t]*$", re.S | re.M)
COMMENT_RE = re.compile(r"<!--.*?-->", re.S)
INLINE_CODE_RE = re.compile(r"(`+).+?\1")
DISPLAY_MATH_RE = re.compile(r"\$\$.*?\$\$", re.S)
INLINE_MATH_RE = re.compile(r"(?<![\\$])\$(?!\s)[^$\n]+?(?<!\s)\$")
LINK_TARGET_RE = re.compile(r"(?<=\]\()[^)\s]+")
URL_RE = re.compile(r"https?://[^\s)>\]]+")
HTML_TAG_RE = re.compile(r"</?[A-Za-z][^>\n]*>")
ATTR_LIST_RE = re.compile(r"\{[:#.][^}\n]*\}")
REFS_RE = re.compile(r"^## (?:参考|References)[ \t]*$.*?(?=^## |\Z)", re.S | re.M)


def _fill(chars: list[str], start: int, end: int, filler: str) -> None:
    for i in range(start, end):
        if chars[i] != "\n":
            chars[i] = filler


def mask(text: str) -> tuple[str, list[tuple[int, int]], list[tuple[int, int]]]:
    """``(masked, math_spans, refs)``: the text with everything but prose replaced by fillers of
    the same length (``CODE``, or ``MATH`` for formulas), the formulas' offsets and the
    References section's offsets."""
    chars = list(text)
    fm = FRONT_RE.match(text)
    if fm:
        _fill(chars, 0, fm.end(), CODE)
        title = re.search(r"^title:[ \t]*(.*)$", fm.group(0), re.M)
        if title:
            chars[title.start(1) : title.end(1)] = title.group(1)
    for rx in (FENCE_RE, COMMENT_RE, INLINE_CODE_RE):
        for m in rx.finditer("".join(chars)):
            _fill(chars, m.start(), m.end(), CODE)
    math = []
    for rx in (DISPLAY_MATH_RE, INLINE_MATH_RE):
        for m in rx.finditer("".join(chars)):
            if CODE not in m.group(0):
                math.append((m.start(), m.end()))
                _fill(chars, m.start(), m.end(), MATH)
    for rx in (LINK_TARGET_RE, URL_RE, HTML_TAG_RE, ATTR_LIST_RE):
        for m in rx.finditer("".join(chars)):
            _fill(chars, m.start(), m.end(), CODE)
    masked = "".join(chars)
    refs = [(m.start(), m.end()) for m in REFS_RE.finditer(masked)]
    return masked, sorted(math), refs


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _match_case(word: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return word.upper()
    return word[0].upper() + word[1:] if like[:1].isupper() else word


# ---- the rules ------------------------------------------------------------------------------
XREF_LABEL = {
    "zh": r"(?:第\s*(\d+)\s*题|问题\s*(\d+)|Q\s*(\d+)|题\s*(\d+))",
    "en": r"(?i:(?:question|q)\s*(\d+))",
}


TABLE_CORNER = {"zh": "对比项", "en": "Aspect"}  # the first header cell of a comparison table


def _problems(text, masked, refs, lang, path, style):  # noqa: C901 - one loop per rule reads best
    out: list[Problem] = []

    def add(m, rule, say, fix=None, refs_too=False, group=0):
        if not refs_too and _inside(m.start(group), refs):
            return
        a, b = m.start(group), m.end(group)
        out.append(Problem(_line(text, a), rule, text[a:b], say, a, b, fix))

    rel = path.replace("\\", "/")
    for rx, say, allowed in style.calques.get(lang, []):
        if any(fnmatch(rel, pat) or fnmatch(rel, "*/" + pat) for pat in allowed):
            continue
        for m in rx.finditer(masked):
            add(m, "calque", say)

    # citations
    author = r"[A-Z][A-Za-z'’-]+"
    year_after = r"(?=\s*[（(,，]\s*(?:[A-Z][A-Za-z]*\s*)?\d{4})"
    if lang == "zh":
        for m in re.finditer(r"(?<=[A-Za-z])\s*et al\.(,\s*)?", masked):
            add(m, "citation", "「等」（中文不用 et al.）", " 等" + ("，" if m.group(1) else ""))
        for m in re.finditer(rf"({author})、{author}(?:、{author})*\s*(?:与|和|&|and)\s*{author}{year_after}", masked):
            add(m, "citation", f"三位及以上作者写「{m.group(1)} 等」")
        for m in re.finditer(rf"(?<![、\w])({author})\s*(?:和|&|and)\s*({author}){year_after}", masked):
            add(m, "citation", "两位作者之间用「与」", f"{m.group(1)} 与 {m.group(2)}")
    else:
        for m in re.finditer(rf"(?<!, )({author}) & ({author}){year_after}", masked):
            line_start = masked.rfind("\n", 0, m.start()) + 1
            before = masked[line_start : m.start()]
            if before.count("(") > before.count(")"):
                continue  # "(Tang & Wang, 2018)": & inside brackets is the form
            say = '"and" between two authors in prose ("&" only inside brackets)'
            add(m, "citation", say, f"{m.group(1)} and {m.group(2)}")
        for m in re.finditer(rf"({author}), {author},? (?:and|&) {author}(?=\s*\(\d{{4}})", masked):
            add(m, "citation", f'three or more authors: "{m.group(1)} et al."')

    # cross-references
    link = re.compile(r"\[([^\]\n]+)\]\((?:(?:\.\./)?questions/)?(\d{2})-[a-z0-9-]+\.md(?:#[^)\s]*)?\)")
    for m in link.finditer(text):
        if masked[m.start()] in (CODE, MATH) or masked[m.start(1)] in (CODE, MATH):
            continue
        a = m.start()
        if lang == "zh" and a > 0 and CJK_RE.match(text[a - 1]):
            say = "「见 [第 N 题](…)」：汉字与链接之间加空格"
            out.append(Problem(_line(text, a), "xref", text[a - 1 : a + 1], say, a - 1, a + 1, text[a - 1] + " ["))
        label, n = m.group(1), int(m.group(2))
        want = f"第 {n} 题" if lang == "zh" else f"Question {n}"
        km = re.fullmatch(XREF_LABEL[lang], label) if lang in XREF_LABEL else None
        if not km or label == want:
            continue
        said = int(next(g for g in km.groups() if g))
        if said != n:
            add(m, "xref", f"the link goes to question {n}: [{want}]", None, refs_too=True, group=1)
        else:
            add(m, "xref", f"[{want}]", want, refs_too=True, group=1)

    if lang == "en":
        for m in style.spelling_re.finditer(masked):
            us = style.spelling[m.group(0).lower()]
            add(m, "spelling", _match_case(us, m.group(0)), _match_case(us, m.group(0)))
        for m in style.ise_re.finditer(masked):
            w = m.group(0)
            i = w.lower().rfind("is")  # the s of the stem's -is-
            us = w[: i + 1] + ("Z" if w[i + 1].isupper() else "z") + w[i + 2 :]
            add(m, "spelling", us, us)
        for m in style.lowercase_re.finditer(masked):
            add(m, "case", m.group(0).lower() + " (lower case mid-sentence)", m.group(0).lower())

    if lang == "zh":
        gloss = re.compile(r"（[^（）\n]*）|\([^()\n]*\)")
        glosses = [(g.start(), g.end()) for g in gloss.finditer(masked)]
        for rx, zh, _ in style.terms:
            for m in rx.finditer(masked):
                if not _inside(m.start(), glosses):
                    add(m, "term", f"中文行文用「{zh}」（英文只在首次出现时放在括号里）")
        for rx, en in style.keep:
            for m in rx.finditer(masked):
                if not _inside(m.start(), glosses):
                    add(m, "term", f"写作「{en}」（本站保留英文）")

    # tables: every header cell names its column; an empty corner cell leaves the first column's
    # cells without a header for screen readers (axe's td-has-header, Lighthouse accessibility)
    for m in re.finditer(r"^\|[^\n]*\|[ \t]*\n(?=\|?[ \t]*:?-{3,}:?[ \t]*\|)", masked, re.M):
        for c in re.finditer(r"(?<=\|)([ \t]*)(?=\|)", m.group(0)[:-1]):
            fix = TABLE_CORNER.get(lang) if c.start() == 1 else None
            cell = re.compile(r"[ \t]*").match(text, m.start() + c.start())
            add(
                cell,
                "table-header",
                "every header cell names its column" + (f": «{fix}»" if fix else ""),
                f" {fix} " if fix else None,
            )
    # sizes: 3x3 in prose, $3\times3$ as a formula for a plain size
    for m in re.finditer(r"(?<![\w.])(\d+) ?[xX] ?(\d+)(?![\w.])", masked):
        add(m, "size", f"{m.group(1)}×{m.group(2)}", f"{m.group(1)}×{m.group(2)}")
    return out


def _size_formulas(text, math, refs):
    out = []
    for a, b in math:
        m = re.fullmatch(r"\$\s*(\d+)\s*\\times\s*(\d+)\s*\$", text[a:b])
        if m and not _inside(a, refs):
            size = f"{m.group(1)}×{m.group(2)}"
            say = f"{size} (a plain size is not a formula)"
            out.append(Problem(_line(text, a), "size", text[a:b], say, a, b, size))
    return out


def lint_markdown(text: str, lang: str, path: str = "", style: Style | None = None, span=None) -> list[Problem]:
    """Problems of a Markdown page in language ``lang`` (``span``: only those in that offset range)."""
    style = style or load_style()
    masked, math, refs = mask(text)
    probs = _problems(text, masked, refs, lang, path, style) + _size_formulas(text, math, refs)
    if span:
        probs = [p for p in probs if span[0] <= p.start < span[1]]
    return sorted(probs, key=lambda p: (p.start, p.rule))


def apply_fixes(text: str, problems: list[Problem]) -> str:
    """The text with every fixable problem's replacement applied (overlapping ones skipped)."""
    out, pos = [], 0
    for p in sorted((p for p in problems if p.fix is not None), key=lambda p: p.start):
        if p.start < pos:
            continue
        out += [text[pos : p.start], p.fix]
        pos = p.end
    return "".join(out) + text[pos:]


def fix_markdown(text: str, lang: str, path: str = "", style: Style | None = None) -> str:
    return apply_fixes(text, lint_markdown(text, lang, path, style))


# ---- files ----------------------------------------------------------------------------------
def _yaml_en_mask(text: str, glossary: bool) -> str:
    """An English YAML table as prose: only the English values (for the glossary, the English
    names and definitions; aliases stay as readers type them, British spellings included)."""
    lines = []
    for line in text.split("\n"):
        keep = [CODE] * len(line)
        if not line.lstrip().startswith("#"):
            if glossary:
                m = re.search(r"\ben:\s*", line)
                if m:
                    keep = [CODE] * m.end() + list(line[m.end() :])
                    for a in re.finditer(r"(?:aliases|not):\s*\[[^\]]*\]|\w+:\s*|\{", line):
                        keep[a.start() : a.end()] = CODE * (a.end() - a.start())
            else:
                m = re.match(r"\s*(?:-\s+|[\w-]+:\s*)", line)
                start = m.end() if m else 0
                keep = [CODE] * start + list(line[start:])
        lines.append("".join(keep))
    return "\n".join(lines)


def lint_yaml_en(text: str, path: str = "", glossary: bool = False, style: Style | None = None) -> list[Problem]:
    style = style or load_style()
    probs = _problems(text, _yaml_en_mask(text, glossary), [], "en", path, style)
    return sorted(probs, key=lambda p: (p.start, p.rule))


def lang_of(path: Path) -> str | None:
    m = re.search(r"\.([a-z]{2}(?:-[A-Za-z]+)?)\.md$", path.name)
    return m.group(1) if m else None


def lint_file(path: Path) -> list[Problem]:
    """Problems of one repository file: a page (language from its suffix), CONTRIBUTING.md (its
    两种语言 halves), the glossary or an interface-string table."""
    text = path.read_text(encoding="utf-8")
    try:
        rel = path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        rel = path.as_posix()
    if path.name == "CONTRIBUTING.md":
        cut = text.find("\n## English\n")
        cut = len(text) if cut < 0 else cut
        return lint_markdown(text, "zh", rel, span=(0, cut)) + lint_markdown(text, "en", rel, span=(cut, len(text)))
    if path.name == "concepts.yml":
        return lint_yaml_en(text, rel, glossary=True)
    if path.suffix == ".yml" and path.stem == "en":
        return lint_yaml_en(text, rel)
    lang = lang_of(path)
    return lint_markdown(text, lang, rel) if lang else []


def fix_file(path: Path) -> bool:
    text = path.read_text(encoding="utf-8")
    new = apply_fixes(text, lint_file(path))
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


def style_files() -> list[Path]:
    docs = ROOT / "docs"
    pages = sorted(docs.rglob("*.md")) + sorted((ROOT / "templates").glob("*.md"))
    return [*pages, ROOT / "CONTRIBUTING.md", docs / "concepts.yml", docs / "ui" / "en.yml"]


# ---- measurements for a read (not rules) ------------------------------------------------------
ABBREV_RE = re.compile(r"\b(?:e\.g|i\.e|et al|vs|etc|Fig|Eq|cf|approx)\.", re.I)


def prose_sentences(text: str, lang: str) -> list[str]:
    """The sentences of a page's running prose (headings, tables, figures, admonition titles, code,
    the References section left out; a formula counts as one word)."""
    masked, _, refs = mask(text)
    fm = FRONT_RE.match(text)
    for a, b in [*refs, *([(0, fm.end())] if fm else [])]:
        masked = masked[:a] + CODE * (b - a) + masked[b:]
    masked = re.sub(f"{MATH}+", "X", masked)
    keep = []
    for line in masked.split("\n"):
        s = line.strip()
        if not s or s[0] in "#|!?<" or s.startswith(("![", "??? ", "!!! ")) or set(s) <= {CODE, " "}:
            continue
        keep.append(re.sub(r"^(?:[-*] |\d+\. )", "", s).replace(CODE, " "))
    prose = " ".join(keep)
    if lang == "en":
        prose = ABBREV_RE.sub(lambda m: m.group(0).replace(".", ""), prose)
        parts = re.split(r"(?<=[.!?])[\"”’)*]*\s+(?=[\"“(*]*[A-Z0-9X])", prose)
    else:
        parts = re.split(r"(?<=[。！？；])", prose)
    return [p.strip() for p in parts if re.search(r"\w", p)]


def prose_stats(texts: list[str], lang: str) -> dict[str, float]:
    """English: median words per sentence, brackets per 1,000 words, sentences of 55+ words.
    Chinese: median characters per sentence (a Latin word or number as one), brackets per 1,000."""
    import statistics

    sents = [s for t in texts for s in prose_sentences(t, lang)]
    if lang == "en":
        sizes = [len(re.findall(r"[\w'’-]+", s)) for s in sents]
        brackets = sum(s.count("(") for s in sents)
        return {
            "sentences": len(sents),
            "median_words": statistics.median(sizes) if sizes else 0,
            "brackets_per_1000_words": round(1000 * brackets / max(1, sum(sizes)), 1),
            "sentences_55_plus": sum(n >= 55 for n in sizes),
        }
    sizes = [len(re.findall(r"[\u3400-\u9fff]|[A-Za-z0-9][\w.'-]*", s)) for s in sents]
    brackets = sum(s.count("（") + s.count("(") for s in sents)
    return {
        "sentences": len(sents),
        "median_chars": statistics.median(sizes) if sizes else 0,
        "brackets_per_1000_chars": round(1000 * brackets / max(1, sum(sizes)), 1),
        "sentences_110_plus_chars": sum(n >= 110 for n in sizes),
    }


def main(argv: list[str]) -> int:
    """``python -m dlie.stylelint --stats [FILES...]``: the measurements of a read, per language
    (default: the question pages). Linting and fixing is ``python -m dlie.textlint``."""
    files = [Path(a) for a in argv if a != "--stats"] or sorted((ROOT / "docs" / "questions").glob("*.md"))
    by_lang: dict[str, list[str]] = {}
    for f in files:
        lang = lang_of(f)
        if lang:
            by_lang.setdefault(lang, []).append(f.read_text(encoding="utf-8"))
    for lang, texts in sorted(by_lang.items()):
        print(lang, len(texts), "pages", prose_stats(texts, lang))
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
