"""Concept cross-reference index: pure functions (no MkDocs imports).

* ``Matcher`` finds mentions of concepts (names and aliases) in text of one language:
  leftmost-longest, Latin terms on word boundaries, all-lowercase terms case-insensitive,
  terms with capitals (BN, ReLU) case-sensitive.
* ``prose_of_markdown`` keeps the prose of a page: no front matter, code, math or URLs.
* ``scan_pages`` builds per-page profiles (primary concepts from front matter, mentions
  from prose); ``usage`` inverts them; ``rank_related`` ranks questions by shared concepts.
* ``sort_key`` / ``group_concepts`` order concepts as readers expect: English A–Z,
  Chinese by pinyin (pypinyin, imported on first use: loading its dictionaries takes ~0.5 s).

The slow steps take an optional function for their inner work (``mentions`` in
``scan_pages``, ``pinyin`` in the sorting functions), so the MkDocs hook can memoise it.
* ``link_first_mentions`` links the first mention of each concept in rendered HTML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from dlie import glossary as glossary_mod
from dlie import pageschema

LATIN = r"A-Za-z0-9"


def trie_regex(terms: list[str]) -> str:
    """One regex alternation of ``terms`` arranged as a trie (shared prefixes), which is far
    faster than a flat alternation. Longer continuations are tried first (longest match)."""
    trie: dict = {}
    for t in terms:
        node = trie
        for ch in t:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict) -> str:
        end = "" in node
        branches = []
        for ch in sorted(k for k in node if k):
            esc = r"\s+" if ch == " " else re.escape(ch)
            branches.append(esc + build(node[ch]))
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if end else body

    return build(trie)


@dataclass
class Matcher:
    regex: re.Pattern
    owner: dict[str, str]  # casefolded term -> concept id (terms without capitals)
    exact: dict[str, str]  # term with capitals (BN, ReLU) -> concept id, case-sensitive

    def _lookup(self, term: str) -> str | None:
        return self.exact.get(term) or self.owner.get(re.sub(r"\s+", " ", term).casefold())

    def find(self, text: str) -> list[tuple[str, int, int]]:
        """(concept id, start, end) of every mention, leftmost-longest, non-overlapping.

        Latin-edged terms must sit on word boundaries; CJK terms need none."""
        out = []
        for m in self.regex.finditer(text):
            s, e = m.start(), m.end()
            term = m.group(0)
            if LATIN_CHAR.match(term[0]) and s > 0 and LATIN_CHAR.match(text[s - 1]):
                continue
            if LATIN_CHAR.match(term[-1]) and e < len(text) and LATIN_CHAR.match(text[e]):
                continue
            cid = self._lookup(term)
            if cid:
                out.append((cid, s, e))
        return out


LATIN_CHAR = re.compile(f"[{LATIN}]")


def build_matcher(g: glossary_mod.Glossary, lang: str) -> Matcher:
    owner, exact = {}, {}
    for c in g.concepts.values():
        for t in c.terms(lang):
            if any(ch.isupper() for ch in t):
                exact[t] = c.id
            else:
                owner.setdefault(t.casefold(), c.id)
    # terms that are NOT aliases (glossary 'not' lists) match as nobody's: a mention of
    # 局部连接 is never taken for weight sharing, nor a shorter term inside it for anything
    for c in g.concepts.values():
        for t in c.not_terms.get(lang, []):
            if t not in exact and t.casefold() not in owner:
                owner[t.casefold()] = ""
    # case-insensitive trie for lower-case terms, exact-case trie for the rest; the regex
    # engine takes the first alternative that matches at a position, so the longer of the
    # two candidate matches is not guaranteed: try the exact trie first (abbreviations).
    ci = trie_regex(sorted(owner))
    cs = trie_regex(sorted(exact))
    regex = re.compile(f"(?:{cs})|(?i:{ci})" if cs else f"(?i:{ci})")
    return Matcher(regex, owner, exact)


FENCE_RE = re.compile(r"^[ \t]*(`{3,}|~{3,}).*?^[ \t]*\1[ \t]*$", re.S | re.M)
DISPLAY_MATH_RE = re.compile(r"\$\$.*?\$\$", re.S)
INLINE_MATH_RE = re.compile(r"(?<![\\$])\$(?!\s)[^$\n]+?(?<!\s)\$")
INLINE_CODE_RE = re.compile(r"(`+).+?\1")
LINK_TARGET_RE = re.compile(r"\]\([^)]*\)")
HTML_TAG_RE = re.compile(r"<[^>\n]+>")
ATTR_LIST_RE = re.compile(r"\{[:#.][^}\n]*\}")


def prose_of_markdown(markdown: str) -> str:
    """The prose of a Markdown page: front matter, code, math, URLs and tags removed."""
    _, body = pageschema.read_front_matter(markdown)
    for rx in (FENCE_RE, DISPLAY_MATH_RE, INLINE_MATH_RE, INLINE_CODE_RE, LINK_TARGET_RE, HTML_TAG_RE, ATTR_LIST_RE):
        body = rx.sub(" ", body)
    return body


@dataclass
class PageProfile:
    seed: int
    slug: str  # e.g. "05-relu"
    titles: dict[str, str]
    primary: list[str]
    mentioned: dict[str, set[str]] = field(default_factory=dict)  # lang -> concept ids

    def mentions(self) -> set[str]:
        """Concepts mentioned in either language but not primary."""
        both = set().union(*self.mentioned.values()) if self.mentioned else set()
        return both - set(self.primary)


def scan_pages(
    docs_dir: Path, g: glossary_mod.Glossary, mentions=None, langs=glossary_mod.LANGS
) -> dict[str, PageProfile]:
    """Profiles of every question page pair under docs_dir/questions, keyed by slug.

    ``mentions(lang, prose)`` returns the concept ids mentioned in a page's prose; by default
    the glossary's matcher of that language finds them."""
    if mentions is None:
        matchers = {lang: build_matcher(g, lang) for lang in langs}

        def mentions(lang: str, prose: str) -> set[str]:
            return {cid for cid, _, _ in matchers[lang].find(prose)}

    profiles: dict[str, PageProfile] = {}
    for p in sorted((docs_dir / "questions").glob("[0-9][0-9]-*.*.md")):
        m = pageschema.QUESTION_RE.match(f"questions/{p.name}")
        if not m:
            continue
        slug, lang = f"{m.group('num')}-{m.group('slug')}", m.group("lang")
        if lang not in langs:
            continue
        text = p.read_text(encoding="utf-8")
        meta, _ = pageschema.read_front_matter(text, f"questions/{p.name}")
        prof = profiles.setdefault(
            slug, PageProfile(int(meta.get("seed", m.group("num"))), slug, {}, list(meta.get("concepts") or []))
        )
        prof.titles[lang] = str(meta.get("title", slug))
        prof.mentioned[lang] = set(mentions(lang, prose_of_markdown(text)))
    return profiles


def usage(profiles: dict[str, PageProfile], g: glossary_mod.Glossary) -> dict[str, dict[str, list[str]]]:
    """concept id -> {"explained": [slugs], "mentioned": [slugs]}, each in question order."""
    out = {cid: {"explained": [], "mentioned": []} for cid in g.concepts}
    for prof in sorted(profiles.values(), key=lambda p: p.seed):
        for cid in prof.primary:
            if cid in out:
                out[cid]["explained"].append(prof.slug)
        for cid in sorted(prof.mentions()):
            if cid in out:
                out[cid]["mentioned"].append(prof.slug)
    return out


def unused_concepts(use: dict[str, dict[str, list[str]]]) -> list[str]:
    return sorted(cid for cid, u in use.items() if not u["explained"] and not u["mentioned"])


def rank_related(profiles: dict[str, PageProfile], slug: str, limit: int = 5) -> list[tuple[str, int, list[str]]]:
    """Other questions ranked by shared concepts: (slug, score, shared ids).

    A concept weighs 2 where it is primary and 1 where it is only mentioned; a pair's score
    sums the products over shared concepts. Ties go to the lower question number."""
    me = profiles[slug]

    def weights(p: PageProfile) -> dict[str, int]:
        w = {c: 1 for c in p.mentions()}
        w.update({c: 2 for c in p.primary})
        return w

    mine = weights(me)
    ranked = []
    for other in profiles.values():
        if other.slug == slug:
            continue
        theirs = weights(other)
        shared = [c for c in mine if c in theirs]
        score = sum(mine[c] * theirs[c] for c in shared)
        # a shared concept only counts if at least one side treats it as primary
        if any(mine[c] == 2 or theirs[c] == 2 for c in shared) and score > 0:
            shared.sort(key=lambda c: (-(mine[c] * theirs[c]), c))
            ranked.append((other.slug, score, shared))
    ranked.sort(key=lambda r: (-r[1], profiles[r[0]].seed))
    return ranked[:limit]


def pinyin(name: str) -> str:
    """Tone-less pinyin of a name, syllables run together (non-Chinese characters kept)."""
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(name))


def sort_key(name: str, lang: str, pinyin=pinyin) -> tuple:
    """English: case-insensitive A–Z. Chinese: by pinyin (tone-less), then by the name."""
    if lang.startswith("zh"):
        return (pinyin(name).casefold(), name)
    return (name.casefold(), name)


def group_letter(name: str, lang: str, pinyin=pinyin) -> str:
    key = sort_key(name, lang, pinyin)[0]
    first = key[:1].upper()
    return first if "A" <= first <= "Z" else "0-9" if first.isdigit() else "Other"


def group_concepts(g: glossary_mod.Glossary, lang: str, pinyin=pinyin) -> list[tuple[str, list[glossary_mod.Concept]]]:
    items = sorted(g.concepts.values(), key=lambda c: sort_key(c.names[lang], lang, pinyin))
    groups: dict[str, list] = {}
    for c in items:
        groups.setdefault(group_letter(c.names[lang], lang, pinyin), []).append(c)
    return sorted(groups.items(), key=lambda kv: (len(kv[0]) > 1, kv[0]))  # A–Z, then 0-9, Other


# --- first-mention links in rendered HTML ---------------------------------------------------

TOKEN_RE = re.compile(r"(<!--.*?-->|<[^>]+>)", re.S)
TAG_NAME_RE = re.compile(r"</?\s*([a-zA-Z][\w:-]*)")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
NO_LINK = {
    "a",
    "code",
    "pre",
    "script",
    "style",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "summary",
    "katex-math",
    "math",
    "svg",
    "button",
    "label",
    "kbd",
    "abbr",
}


def link_first_mentions(html: str, matcher: Matcher, href_of, skip: set[str] | None = None) -> tuple[str, list[str]]:
    """Wrap the first prose mention of each concept in a link; returns (html, linked ids).

    Text inside links, code, headings, math and similar elements is left alone; so are
    formulas still in arithmatex form (``<span class="arithmatex">``)."""
    done = set(skip or ())
    out, stack = [], []  # stack of (tag, blocks_links)
    for part in TOKEN_RE.split(html):
        if not part:
            continue
        if part.startswith("<"):
            out.append(part)
            if part.startswith("<!--"):
                continue
            m = TAG_NAME_RE.match(part)
            if not m:
                continue
            tag = m.group(1).lower()
            if part.startswith("</"):
                for i in range(len(stack) - 1, -1, -1):
                    if stack[i][0] == tag:
                        del stack[i:]
                        break
            elif tag not in VOID and not part.endswith("/>"):
                blocks = tag in NO_LINK or 'class="arithmatex"' in part
                stack.append((tag, blocks))
            continue
        if any(b for _, b in stack):
            out.append(part)
            continue
        pos, pieces = 0, []
        for cid, s, e in matcher.find(part):
            if cid in done:
                continue
            done.add(cid)
            pieces.append(part[pos:s])
            pieces.append(f'<a class="concept-link" href="{href_of(cid)}">{part[s:e]}</a>')
            pos = e
        pieces.append(part[pos:])
        out.append("".join(pieces))
    linked = sorted(done - set(skip or ()))
    return "".join(out), linked
