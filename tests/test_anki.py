"""The Anki decks (#21, ``make anki``): the generated packages are opened (a zip holding an
SQLite collection) and their notes checked against the Markdown they come from; note ids survive
edits; the download links appear where the pages ask for them; planted faults are refused."""

from __future__ import annotations

import dataclasses
import html
import json
import re
import shutil
import sqlite3
import zipfile
from pathlib import Path

import lxml.html
import pytest

from conftest import N_QUESTIONS, ROOT
from dlie import anki, markup

MATH_RE = re.compile(r"\$([^$\n]+?)\$")
TEX_RE = re.compile(r"\\\((.+?)\\\)", re.S)


@pytest.fixture(scope="module")
def site_info():
    return anki.Site.load()


@pytest.fixture(scope="module")
def decks(site, site_info, tmp_path_factory):
    """`make anki` on a copy of the built site's pages that hold the deck's link."""
    out = tmp_path_factory.mktemp("anki-site")
    for lang in site_info.langs.codes:
        for page in ("", "study/"):
            rel = f"{site_info.langs.prefix(lang)}{page}index.html"
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(site / rel, out / rel)
    return out, anki.make_decks(out, site_info)


def open_deck(path: Path, tmp_path: Path) -> dict:
    """The notes, cards, decks and models of an .apkg, read with sqlite3 as Anki reads them."""
    with zipfile.ZipFile(path) as z:
        assert {"collection.anki2", "media"} <= set(z.namelist())
        z.extract("collection.anki2", tmp_path)
    db = sqlite3.connect(tmp_path / "collection.anki2")
    try:
        notes = [
            {"guid": g, "mid": m, "fields": f.split("\x1f"), "tags": t.split()}
            for g, m, f, t in db.execute("select guid, mid, flds, tags from notes order by sfld")
        ]
        cards = db.execute("select count(*) from cards").fetchone()[0]
        decks, models = (json.loads(x) for x in db.execute("select decks, models from col").fetchone())
    finally:
        db.close()
    return {"notes": notes, "cards": cards, "decks": decks, "models": models}


def pages(lang: str) -> list[Path]:
    return sorted((ROOT / "docs" / "questions").glob(f"[0-9][0-9]-*.{lang}.md"))


def follow_up_count(lang: str) -> int:
    return sum(len(re.findall(r'^\?\?\? question "', p.read_text("utf-8"), re.M)) for p in pages(lang))


def plain_markdown(text: str) -> str:
    text = MATH_RE.sub(" ", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return " ".join(re.sub(r"[*`]", "", text).split())


def plain_html(fragment: str) -> str:
    fragment = re.sub(r'<span class="arithmatex">.*?</span>', " ", fragment, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def test_each_language_gets_a_deck_of_every_question_and_follow_up(decks, site_info, tmp_path):
    site_dir, paths = decks
    assert set(paths) == set(site_info.langs.codes)
    seen_guids = set()
    for lang, path in paths.items():
        assert path == site_dir / site_info.langs.prefix(lang) / "anki" / f"dl-interview-explained.{lang}.apkg"
        deck = open_deck(path, tmp_path / lang)
        notes = deck["notes"]
        assert len(notes) == deck["cards"] == N_QUESTIONS + follow_up_count(lang)
        assert sum("dlie::question" in n["tags"] for n in notes) == N_QUESTIONS
        assert [d["name"] for d in deck["decks"].values() if d["name"] != "Default"] == [site_info.names[lang]]
        (model,) = deck["models"].values()
        assert [f["name"] for f in model["flds"]] == anki.FIELDS
        guids = {n["guid"] for n in notes}
        assert len(guids) == len(notes) and not guids & seen_guids, "GUIDs are unique, per language too"
        seen_guids |= guids


def test_notes_hold_the_pages_answers_with_formulas_for_anki(decks, site_info, tmp_path):
    """Each question note: front = the question as asked, back = the 30-second answer with the same
    formulas (TeX between \\( \\)), both read independently from the Markdown; follow-ups likewise."""
    _, paths = decks
    for lang, path in paths.items():
        notes = {n["fields"][0]: n for n in open_deck(path, tmp_path / lang)["notes"]}
        heads = site_info.ui[lang]["sections"]
        for page in pages(lang):
            text = page.read_text("utf-8")
            seed = int(page.name[:2])
            parts = re.split(r"^## (.+)$", text, flags=re.M)
            body = dict(zip(parts[1::2], parts[2::2], strict=True))
            key, title = f"q{seed:02d}", re.search(r"^title: (.*)$", text, re.M).group(1).strip('"')
            key_, label, front, back, link = notes[key]["fields"]
            assert title in html.unescape(label)
            quote = " ".join(line[1:].strip() for line in body[heads[0]].splitlines() if line.startswith(">"))
            assert plain_html(front) == plain_markdown(quote)
            answer = body[heads[1]].strip()
            assert plain_html(back) == plain_markdown(answer), f"{page.name}: the back is not the 30-second answer"
            assert [html.unescape(t) for t in TEX_RE.findall(back)] == MATH_RE.findall(answer)
            assert "$" not in plain_html(back) and "](" not in back
            assert re.fullmatch(r'<a href="[^"]+">[^<]+</a>', link)
            follow = re.findall(r'^\?\?\? question "(.*)"\n((?:    .*\n|\n)*)', body[heads[5]] + "\n", re.M)
            for i, (question, answer) in enumerate(follow, 1):
                fields = notes[f"{key}-f{i}"]["fields"]
                assert plain_html(fields[2]) == plain_markdown(question)
                assert plain_html(fields[3]) == plain_markdown(" ".join(answer.split()))


def test_every_link_on_a_card_leads_to_a_built_page_and_anchor(decks, site, site_info, tmp_path):
    from urllib.parse import unquote

    _, paths = decks
    checked = 0
    ids: dict[Path, set] = {}
    for lang, path in paths.items():
        for note in open_deck(path, tmp_path / lang)["notes"]:
            for href in re.findall(r'href="([^"]+)"', "".join(note["fields"])):
                assert href.startswith(site_info.url), href
                rel, _, anchor = href[len(site_info.url) :].partition("#")
                page = site / rel / "index.html"
                assert page.is_file(), href
                if anchor:
                    if page not in ids:
                        ids[page] = set(lxml.html.parse(str(page)).getroot().xpath("//@id"))
                    assert unquote(anchor) in ids[page], href
                checked += 1
    assert checked > 2 * (N_QUESTIONS + 100)


def test_note_ids_survive_edits_so_a_reimport_updates_the_cards(site_info, tmp_path):
    """The same notes (GUIDs) after an answer and a follow-up are reworded; the text changes."""
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs, ignore=shutil.ignore_patterns("assets"))
    before = {n.guid: n for n in anki.notes(site_info, "en")}
    page = next(docs.glob("questions/05-*.en.md"))
    text = page.read_text("utf-8")
    text = text.replace("## 30-second answer\n\n", "## 30-second answer\n\nReworded. ", 1)
    text = re.sub(r'(\?\?\? question "[^"]*"\n    )', r"\1Reworded. ", text, count=1)
    page.write_text(text, encoding="utf-8")
    after = {n.guid: n for n in anki.notes(dataclasses.replace(site_info, docs=docs), "en")}
    assert set(after) == set(before)
    changed = [g for g in after if after[g].fields != before[g].fields]
    assert sorted(after[g].key for g in changed) == ["q05", "q05-f1"]
    assert anki.stable_id("deck", "en") == anki.stable_id("deck", "en") != anki.stable_id("deck", "zh")


def _drop_answer(t):
    return t.replace("## 30-second answer", "## Short answer", 1)


def _empty_follow_up(t):
    return t.replace("## Follow-up questions\n", '## Follow-up questions\n\n??? question "Empty?"\n', 1)


def _stray_dollar(t):
    return t.replace("## 30-second answer\n\n", "## 30-second answer\n\nIt costs $5 ", 1)


def _figure_in_follow_up(t):
    return re.sub(r'(\?\?\? question "[^"]*"\n)', r"\1    ![x](figure:q05/relu)\n\n", t, count=1)


PAGE_FAULTS = [
    ("no 30-second answer", _drop_answer, "30-second answer"),
    ("a follow-up without answer", _empty_follow_up, "has no answer"),
    ("a stray dollar sign", _stray_dollar, "a $ left"),
    ("a figure in a follow-up", _figure_in_follow_up, "figure"),
]


@pytest.mark.parametrize("fault, edit, message", PAGE_FAULTS, ids=[f[0] for f in PAGE_FAULTS])
def test_a_page_a_card_cannot_be_made_from_is_refused_by_name(site_info, tmp_path, fault, edit, message):
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs, ignore=shutil.ignore_patterns("assets"))
    page = next(docs.glob("questions/05-*.en.md"))
    page.write_text(edit(page.read_text("utf-8")), encoding="utf-8")
    with pytest.raises(anki.AnkiError, match=re.escape(message)) as e:
        anki.notes(dataclasses.replace(site_info, docs=docs), "en")
    assert "05-" in str(e.value) or "q05" in str(e.value)


def test_the_download_link_appears_where_the_pages_ask_and_only_once_the_deck_exists(decks, site, site_info):
    site_dir, paths = decks
    for lang in site_info.langs.codes:
        for page in ("", "study/"):
            rel = f"{site_info.langs.prefix(lang)}{page}index.html"
            assert markup.ANKI_MARKER in (site / rel).read_text("utf-8"), f"{rel}: a plain build has no link"
            built = (site_dir / rel).read_text("utf-8")
            assert markup.ANKI_MARKER not in built
            href, label, note = markup.parse_anki_link(built)
            assert (site_dir / rel).parent.joinpath(href).resolve() == paths[lang].resolve()
            assert label == site_info.ui[lang]["anki"]["download"]
            assert str(N_QUESTIONS + follow_up_count(lang)) in note
    assert markup.parse_anki_link(markup.anki_link("a b.apkg", "x & y", "n")) == ("a b.apkg", "x & y", "n")


def test_make_anki_builds_and_the_deploy_publishes_the_decks():
    makefile = (ROOT / "Makefile").read_text("utf-8")
    assert re.search(r"^anki: build\n\t\$\(PY\) -m dlie\.anki site$", makefile, re.M)
    deploy = (ROOT / ".github" / "workflows" / "deploy.yml").read_text("utf-8")
    assert re.search(r"run: make pdf anki$", deploy, re.M)
