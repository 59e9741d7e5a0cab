"""Anki decks of the questions, one per language (``make anki``; genanki).

  python -m dlie.anki [SITE_DIR]      (default: site/, built first by ``make anki``)

For each language of mkdocs.yml's i18n configuration, writes
``SITE_DIR/<language folder>anki/dl-interview-explained.<lang>.apkg`` and puts the deck's download
link where the built home page and study overview hold ``<!-- anki-deck -->``, so the link exists
exactly when the deck does (like the PDF of ``dlie.pdf``). The deploy workflow runs it.

The notes come from the same Markdown as the pages:

* one per question: the front is the question as asked (its ``## Question`` quote), the back its
  30-second answer and a link to the page;
* one per follow-up question (``??? question "…"`` in the follow-up section): the front is the
  follow-up, the back its answer and a link to the page's follow-up section.

Formulas stay TeX, between ``\\(…\\)`` and ``\\[…\\]``, which Anki's MathJax renders (Python-Markdown
with pymdownx.arithmatex in generic mode, as the site converts them before KaTeX); relative links
become absolute addresses under ``site_url``. Every note has a GUID made from the question's number,
the language and, for a follow-up, its position on the page, never from its text: re-importing an
updated deck finds the same notes and updates them (Anki replaces a note with the same GUID when
the incoming one is newer, and genanki stamps notes with the time of writing), instead of adding
duplicates. Deck and model ids are fixed for the same reason.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]
KEY = "dl-interview-explained"  # the namespace of every GUID and id below: never change it
FIELDS = ["Key", "Label", "Front", "Back", "Link"]
QUESTION_RE = re.compile(r"^(\d\d)-[a-z0-9-]+\.(?P<lang>[A-Za-z-]+)\.md$")
H2_RE = re.compile(r"^## +(.+?)\s*(?:\{[^}]*\})?\s*$", re.M)
FOLLOW_UP_RE = re.compile(r'^\?\?\?\+? question "((?:[^"\\]|\\.)*)"[ \t]*\n((?:(?:    |\t).*\n|[ \t]*\n)*)', re.M)
HREF_RE = re.compile(r'(<a\b[^>]*\bhref=")([^"]*)(")')
CSS = """.card { font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", sans-serif;
  font-size: 18px; line-height: 1.55; text-align: left; max-width: 40em; margin: 0 auto; }
.dlie-label { font-size: 0.8em; opacity: 0.7; margin-bottom: 0.5em; }
.dlie-link { font-size: 0.85em; margin-top: 1em; }
code { font-size: 0.9em; }
"""


class AnkiError(ValueError):
    """A page a note cannot be made from; the message names the file."""


def stable_id(*parts: str) -> int:
    """A fixed id in genanki's recommended range [2^30, 2^31) for deck and model ids."""
    digest = hashlib.sha1("/".join((KEY, *parts)).encode()).hexdigest()
    return (1 << 30) + int(digest[:8], 16) % (1 << 30)


def guid(lang: str, seed: int, follow_up: int | None = None) -> str:
    """A note's GUID: from the question's number, the language and a follow-up's position only."""
    import genanki

    parts = [KEY, lang, f"q{seed:02d}"] + ([] if follow_up is None else ["follow-up", str(follow_up)])
    return genanki.guid_for(*parts)


@dataclass
class Note:
    guid: str
    key: str  # sort field: q05, q05-f2
    label: str
    front: str  # HTML
    back: str
    link: str
    tags: list[str] = field(default_factory=list)

    @property
    def fields(self) -> list[str]:
        return [self.key, self.label, self.front, self.back, self.link]


@dataclass
class Site:
    """What the decks need from the site's configuration and UI tables."""

    docs: Path
    url: str  # site_url, ending in /
    langs: object  # dlie.languages.Languages
    ui: dict
    names: dict  # lang -> site name (the deck's name)

    @classmethod
    def load(cls, root: Path = ROOT) -> Site:
        from mkdocs.config import load_config

        from dlie import languages

        config = load_config(str(root / "mkdocs.yml"))
        langs = languages.from_config(config)
        docs = Path(config.docs_dir)
        names = {lang: config.site_name for lang in langs.codes}
        i18n = config.plugins.get("i18n")
        for entry in i18n.config.languages if i18n else []:
            if entry.locale in names and entry.site_name:
                names[entry.locale] = entry.site_name
        url = (config.site_url or "http://127.0.0.1:8000/").rstrip("/") + "/"
        return cls(docs, url, langs, languages.load_ui(docs, langs), names)

    def page_url(self, lang: str, src: str) -> str:
        """The absolute address of a page from its source path under docs/ (language suffix dropped)."""
        path = src[: -len(".md")] if src.endswith(".md") else src
        for code in self.langs.codes:  # page.zh.md, or page.md as Markdown links write it
            path = path[: -len(code) - 1] if path.endswith(f".{code}") else path
        path = "" if path == "index" else re.sub(r"(^|/)index$", r"\1", path).rstrip("/") + "/"
        return self.url + self.langs.prefix(lang) + path


def sections(markdown: str) -> dict[str, str]:
    """The ``## `` sections of a page: heading -> body."""
    heads = list(H2_RE.finditer(markdown))
    return {
        h.group(1).strip(): markdown[h.end() : heads[i + 1].start() if i + 1 < len(heads) else len(markdown)].strip()
        for i, h in enumerate(heads)
    }


def quoted_question(body: str) -> str:
    """The question as asked: the blockquote of the question section."""
    return "\n".join(line[1:].strip() for line in body.splitlines() if line.startswith(">")).strip()


def follow_ups(body: str) -> list[tuple[str, str]]:
    """(question, answer) of each ``??? question "…"`` block, in order."""
    out = []
    for m in FOLLOW_UP_RE.finditer(body + "\n"):
        answer = "\n".join(
            line[4:] if line.startswith("    ") else line.lstrip("\t") for line in m.group(2).splitlines()
        )
        out.append((m.group(1).replace('\\"', '"'), answer.strip()))
    return out


def to_html(markdown_text: str, page_src: str, site: Site, lang: str) -> str:
    """Card HTML from page Markdown: formulas kept as TeX for MathJax, links made absolute."""
    import markdown

    html = markdown.markdown(
        markdown_text,
        extensions=["pymdownx.arithmatex", "pymdownx.inlinehilite", "tables", "attr_list"],
        extension_configs={"pymdownx.arithmatex": {"generic": True}},
    )

    def absolute(m):
        href = m.group(2)
        if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", href):
            return m.group(0)
        path, _, anchor = href.partition("#")
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page_src), path)) if path else page_src
        return m.group(1) + site.page_url(lang, target) + (f"#{quote(anchor)}" if anchor else "") + m.group(3)

    return HREF_RE.sub(absolute, html)


def check_html(html: str, where: str) -> None:
    """Refuse card HTML that still holds Markdown or a TeX delimiter Anki would not read."""
    text = re.sub(r'<span class="arithmatex">.*?</span>', "", html, flags=re.S)
    for bad, why in (("$", "a $ left outside a formula"), ("](", "an unconverted link"), ("**", "unconverted bold")):
        if bad in text:
            raise AnkiError(f"{where}: {why}: {text[:200]}")
    if re.search(r'<img\b|src="figure:', html):
        raise AnkiError(f"{where}: a figure or image cannot go on a card")


def notes(site: Site, lang: str) -> list[Note]:
    """Every note of one language's deck, question by question."""
    from dlie import pageschema

    ui = site.ui[lang]
    heading = dict(zip(("question", "answer", "follow_ups"), (ui["sections"][i] for i in (0, 1, 5)), strict=True))
    tr = ui["anki"]
    out = []
    pages = sorted(p for p in (site.docs / "questions").glob(f"*.{lang}.md") if QUESTION_RE.match(p.name))
    for path in pages:
        src = path.relative_to(site.docs).as_posix()
        meta, body = pageschema.read_front_matter(path.read_text(encoding="utf-8"), src)
        seed, title = meta["seed"], str(meta["title"])
        parts = sections(body)
        missing = [heading[k] for k in ("question", "answer") if not parts.get(heading[k])]
        if missing or not quoted_question(parts[heading["question"]]):
            raise AnkiError(f"docs/{src}: no '## {(missing or [heading['question']])[0]}' text to put on a card")
        url = site.page_url(lang, src)
        tags = ["dlie", f"dlie::q{seed:02d}", *(f"dlie::tag::{t}" for t in meta.get("tags", []))]
        read_more = f'<a href="{url}">{tr["read_more"]}</a>'
        label = f"{tr['question'].format(n=seed)} · {title}"
        front = to_html(quoted_question(parts[heading["question"]]), src, site, lang)
        back = to_html(parts[heading["answer"]], src, site, lang)
        out.append(Note(guid(lang, seed), f"q{seed:02d}", label, front, back, read_more, [*tags, "dlie::question"]))
        fu_anchor = _heading_id(heading["follow_ups"])
        for i, (question, answer) in enumerate(follow_ups(parts.get(heading["follow_ups"], "")), 1):
            if not answer:
                raise AnkiError(f"docs/{src}: the follow-up question {question!r} has no answer")
            link = f'<a href="{url}#{quote(fu_anchor)}">{tr["read_more"]}</a>'
            out.append(
                Note(
                    guid(lang, seed, i),
                    f"q{seed:02d}-f{i}",
                    f"{tr['follow_up'].format(n=seed)} · {title}",
                    to_html(question, src, site, lang),
                    to_html(answer, src, site, lang),
                    link,
                    [*tags, "dlie::follow-up"],
                )
            )
    for note in out:
        for part in (note.front, note.back):
            check_html(part, f"docs/questions ({lang}) {note.key}")
    return out


def _heading_id(text: str) -> str:
    from dlie import markup

    return markup.heading_id(text)


def model():
    import genanki

    return genanki.Model(
        stable_id("model", "1"),
        "dl-interview-explained",
        fields=[{"name": name} for name in FIELDS],
        templates=[
            {
                "name": "Card",
                "qfmt": '<div class="dlie-label">{{Label}}</div><div class="dlie-front">{{Front}}</div>',
                "afmt": '{{FrontSide}}<hr id="answer"><div class="dlie-back">{{Back}}</div>'
                '<p class="dlie-link">{{Link}}</p>',
            }
        ],
        css=CSS,
        sort_field_index=0,
    )


def deck_path(site_dir: Path, site: Site, lang: str) -> Path:
    return Path(site_dir) / site.langs.prefix(lang) / "anki" / f"{KEY}.{lang}.apkg"


def write_deck(site: Site, lang: str, target: Path) -> int:
    """Write one language's deck; returns its number of notes."""
    import genanki

    deck = genanki.Deck(stable_id("deck", lang), site.names[lang])
    m = model()
    found = notes(site, lang)
    for n in found:
        deck.add_note(genanki.Note(model=m, fields=n.fields, guid=n.guid, tags=n.tags))
    target.parent.mkdir(parents=True, exist_ok=True)
    genanki.Package(deck).write_to_file(str(target))  # timestamp: now, so an import updates older notes
    return len(found)


def add_links(site_dir: Path, site: Site, counts: dict[str, int]) -> list[Path]:
    """Put each language's deck link where its built pages hold the marker; returns the pages."""
    from mkdocs.utils import get_relative_url

    from dlie import markup

    changed = []
    for lang, cards in counts.items():
        folder = Path(site_dir) / site.langs.prefix(lang)
        deck = deck_path(site_dir, site, lang).relative_to(site_dir).as_posix()
        for page in sorted(folder.rglob("index.html")):
            rel = page.relative_to(site_dir).as_posix()
            if site.langs.of_url(rel) != lang:
                continue
            html = page.read_text(encoding="utf-8")
            if markup.ANKI_MARKER not in html:
                continue
            url = rel[: -len("index.html")]
            tr = site.ui[lang]["anki"]
            link = markup.anki_link(get_relative_url(deck, url or "."), tr["download"], tr["note"].format(cards=cards))
            page.write_text(html.replace(markup.ANKI_MARKER, link), encoding="utf-8")
            changed.append(page)
    return changed


def make_decks(site_dir: Path, site: Site | None = None) -> dict[str, Path]:
    site = site or Site.load()
    if not (Path(site_dir) / "index.html").exists():
        raise FileNotFoundError(f"{site_dir}: build the site first (make build)")
    out, counts = {}, {}
    for lang in site.langs.codes:
        out[lang] = deck_path(site_dir, site, lang)
        counts[lang] = write_deck(site, lang, out[lang])
    add_links(site_dir, site, counts)
    return out


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "site")
    for path in make_decks(target).values():
        print(f"written {path} ({path.stat().st_size / 1e3:.0f} KB)")
