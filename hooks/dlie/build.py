"""The state of one build of the site (every language), created by ``hooks/pipeline.py`` when a
build starts and dropped when it ends: nothing is carried from one build to the next but the
disk caches (so ``mkdocs serve`` rebuilds are built exactly like a first build).

A build reads ``docs/`` once: the languages (from static-i18n's configuration), their UI tables,
the glossary, every question's front matter and concept profile, and the study order; the
page-level stages (concepts, study, figures, print edition, search) read it from here.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

from dlie import conceptindex as ci
from dlie import glossary, languages, pageschema, studyplan
from dlie.diskmemo import DiskMemo

GLOSSARY = "concepts.yml"


class BuildError(ValueError):
    """Bad input found before anything is built; the message names the file."""


@dataclass
class Build:
    docs: Path
    cache: Path  # .cache/ beside docs/
    langs: languages.Languages
    site_url: str = ""
    ui: dict[str, dict] = field(default_factory=dict)
    glossary: glossary.Glossary | None = None
    profiles: dict[str, ci.PageProfile] = field(default_factory=dict)  # question slug -> profile
    metas: dict[str, dict] = field(default_factory=dict)  # question slug -> front matter
    usage: dict = field(default_factory=dict)
    order: list[str] = field(default_factory=list)  # the study path
    sessions: list[tuple[list[str], list[str]]] = field(default_factory=list)  # (questions, topic concepts)
    prereqs: dict[str, set[str]] = field(default_factory=dict)
    matchers: dict[str, ci.Matcher] = field(default_factory=dict)
    memo: DiskMemo | None = None  # concept mentions, links, pinyin keys
    scanned: bool = False
    print_pages: dict[str, dict[str, tuple]] = field(default_factory=dict)  # lang -> url -> page
    formula_chars: dict[str, set[str]] = field(default_factory=dict)  # KaTeX font -> characters drawn
    deferred: dict[str, list[str]] = field(default_factory=dict)  # page -> fragments kept out of search
    pages_memo: DiskMemo | None = None  # Markdown conversions (dlie.rendercache)
    segments: tuple | None = None  # (jieba segmentation memo, user dictionary) (dlie.search)
    figure_memo: DiskMemo | None = None  # rendered figures (dlie.figures.pages)
    figure_stats: object = None
    depth: int = 0  # language builds in progress (static-i18n nests the others in the first)

    @classmethod
    def start(cls, config) -> Build:
        docs = Path(config.docs_dir)
        return cls(docs, docs.parent / ".cache", languages.from_config(config), config.site_url or "")

    def scan(self) -> None:
        """Read and check everything the pages are built from (once per build)."""
        if self.scanned:
            return
        codes = self.langs.codes
        try:
            self.ui = languages.load_ui(self.docs, self.langs)
            g = glossary.load_glossary(self.docs / GLOSSARY, codes)
        except (languages.LanguageError, glossary.GlossaryError) as e:
            raise BuildError(str(e)) from None
        problems = pageschema.check_docs(self.docs, set(g.concepts), set(g.tags), set(g.levels), codes)
        if problems:
            raise BuildError("Invalid front matter:\n  " + "\n  ".join(problems))
        cycle = studyplan.concept_cycle(g)
        if cycle:
            raise BuildError(f"docs/{GLOSSARY}: the 'requires' data has a cycle: {' -> '.join(cycle)}")
        text = (self.docs / GLOSSARY).read_text(encoding="utf-8")
        signature = hashlib.sha1(
            text.encode() + Path(ci.__file__).read_bytes() + version("pypinyin").encode() + repr(codes).encode()
        ).hexdigest()
        self.memo = DiskMemo(self.cache / "concepts" / "memo.json", signature)
        self.matchers = {lang: ci.build_matcher(g, lang) for lang in codes}
        self.glossary = g
        self.profiles, self.metas = studyplan.read_questions(self.docs, g, codes, self.mentions)
        self.usage = ci.usage(self.profiles, g)
        for cid in ci.unused_concepts(self.usage):
            # a notice, not a build failure: a new glossary entry may precede its page
            print(f"WARNING (concepts) - concept '{cid}' in docs/{GLOSSARY} is used by no page", file=sys.stderr)
        try:
            path = studyplan.study_path(studyplan.plan_of(self.profiles, g, self.metas))
        except studyplan.StudyPlanError as e:
            raise BuildError(f"study path: {e}") from None
        self.order, self.prereqs = path.order, path.prereqs
        self.sessions = list(zip(path.sessions, path.topics, strict=True))
        self.scanned = True

    # ---- memoised slow steps (glossary matching over every page, pinyin) -------------------
    def mentions(self, lang: str, prose: str) -> list[str]:
        def compute(_key):
            return json.dumps(sorted({cid for cid, _, _ in self.matchers[lang].find(prose)}))

        key = "scan\t" + hashlib.sha1(f"{lang}\n{prose}".encode()).hexdigest()
        return json.loads(self.memo.get(key, compute))

    def pinyin(self, name: str) -> str:
        return self.memo.get(f"pinyin\t{name}", lambda _: ci.pinyin(name))

    def latin_names(self, lang: str) -> set[str]:
        """Latin words of the glossary's names in ``lang`` (ReLU, Sigmoid…): a figure may show a
        concept by its name in the page's language."""
        return {w.casefold() for c in self.glossary.concepts.values() for w in re.findall(r"[A-Za-z]+", c.names[lang])}

    def ui_of(self, page) -> dict:
        return self.ui[self.lang_of(page)]

    def lang_of(self, page) -> str:
        """A page's language: static-i18n's ``file.locale``, else its source suffix."""
        return getattr(page.file, "locale", None) or self.langs.of_src(page.file.src_uri) or self.langs.default

    def is_question(self, page) -> bool:
        return page.file.src_uri.startswith("questions/") and page.meta.get("seed") is not None

    @staticmethod
    def slug_of(page) -> str:
        return Path(page.file.src_uri).name.rsplit(".", 2)[0]
