"""The build pipeline as a whole (hooks/pipeline.py): languages come from configuration, the number
of questions from the content, and nothing is carried from one build to the next."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import lxml.html
import pytest
import yaml

from conftest import MINIMAL_QUESTION, ROOT, build
from dlie import linkcheck

ZH_HANT = """        - locale: zh-Hant
          name: 繁體中文
          build: true
          site_name: 深度學習面試題詳解
"""


TRADITIONAL = str.maketrans(
    "题测试与页学习进问数层网络经归积为这个们时说对会过后还没发开关机东车长门见",
    "題測試與頁學習進問數層網絡經歸積為這個們時說對會過後還沒發開關機東車長門見",
)


def translate(text: str) -> str:
    """Stand-in for a translation into Traditional Chinese (static-i18n drops search entries that
    are identical to the default language's, so the copy must differ)."""
    return text.translate(TRADITIONAL) + "（繁）" if text.strip() else text


def add_language(project, locale: str, entry: str, like: str = "zh") -> None:
    """Add a language to a minimal project the way a contributor would: an entry in mkdocs.yml's
    i18n languages, a UI table, glossary names and definitions, and every page in that language."""
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("\n# One hook", "\n" + entry.rstrip("\n") + "\n\n# One hook", 1)
    assert locale in text
    config.write_text(text, encoding="utf-8")
    docs = project / "docs"
    shutil.copy(docs / "ui" / f"{like}.yml", docs / "ui" / f"{locale}.yml")
    glossary = yaml.safe_load((docs / "concepts.yml").read_text(encoding="utf-8"))
    for concept in glossary["concepts"]:
        concept[locale] = {**concept[like], "definition": translate(concept[like]["definition"])}
    for group in ("tags", "levels"):
        for labels in glossary[group].values():
            labels[locale] = labels[like]
    (docs / "concepts.yml").write_text(yaml.safe_dump(glossary, allow_unicode=True), encoding="utf-8")
    figures = project / "hooks" / "dlie" / "figures" / "site.py"  # the figures these pages place
    figures.write_text(
        figures.read_text(encoding="utf-8") + f"\nLABELS[{locale!r}] = LABELS[{like!r}]\n", encoding="utf-8"
    )
    for page in list(docs.rglob(f"*.{like}.md")):
        text = page.read_text(encoding="utf-8")
        head, sep, body = text.partition("\n---\n") if text.startswith("---") else ("", "", text)
        body = "\n".join(translate(line) if line and line[0] not in "#<`$-!" else line for line in body.splitlines())
        page.with_name(page.name.replace(f".{like}.md", f".{locale}.md")).write_text(
            head + sep + body + "\n", encoding="utf-8"
        )


def with_generated_pages(project) -> None:
    """The study overview, study path and printable edition pages (marker pages) of the real site,
    and a calculator page (the real one links to questions the minimal project does not have)."""
    for folder in ("study", "print"):
        shutil.copytree(ROOT / "docs" / folder, project / "docs" / folder)
    (project / "docs" / "tools").mkdir()
    for lang in ("zh", "en"):
        page = project / "docs" / "tools" / f"calculator.{lang}.md"
        page.write_text("# Calculator\n\n<!-- layer-calculator -->\n", encoding="utf-8")


def html(path):
    return lxml.html.fromstring(path.read_bytes())


@pytest.mark.slow
def test_a_third_language_is_configuration(make_project):
    """Three locales (zh, en, zh-Hant): every generated page exists in each, links correctly,
    has its own search index, and the switcher offers the other two."""
    project = make_project()
    with_generated_pages(project)
    add_language(project, "zh-Hant", ZH_HANT)
    r = build(project)
    assert r.returncode == 0, r.stdout + r.stderr
    site = project / "site"
    prefixes = {"zh": "", "en": "en/", "zh-Hant": "zh-Hant/"}
    for lang, prefix in prefixes.items():
        root = site / prefix
        index = html(root / "concepts" / "index.html")
        assert index.xpath('//*[@id="relu"]'), f"{lang}: concept index without the relu entry"
        assert len(html(root / "study" / "index.html").xpath('//div[@class="study-table"]//tbody/tr')) == 1
        assert len(html(root / "study" / "path" / "index.html").xpath("//article//ol/li")) == 1
        assert html(root / "print" / "index.html").xpath('//section[@id="q01"]'), f"{lang}: print edition"
        question = root / "questions" / "01-test" / "index.html"
        assert html(question).get("lang") == lang
        search = json.loads((root / "search" / "search_index.json").read_text(encoding="utf-8"))
        assert search["docs"] and search["config"]["lang"] == [lang]
        others = [p for other, p in prefixes.items() if other != lang and p]
        assert not any(d["location"].startswith(tuple(others)) for d in search["docs"]), f"{lang}: foreign entries"
        for other, other_prefix in prefixes.items():
            if other == lang:
                continue
            [href] = html(question).xpath(f'//a[contains(@class,"md-select__link")][@hreflang="{other}"]/@href')
            target = (question.parent / href).resolve()
            assert target == (site / other_prefix / "questions" / "01-test").resolve(), (lang, other, href)
    concepts = json.loads((site / "concepts.json").read_text(encoding="utf-8"))
    assert set(concepts["index_url"]) == set(prefixes)
    report = linkcheck.check_site(site)
    assert not report.problems, [str(p) for p in report.problems[:10]]


@pytest.mark.slow
def test_a_language_without_its_ui_table_fails_naming_the_file(make_project):
    project = make_project()
    add_language(project, "zh-Hant", ZH_HANT)
    (project / "docs" / "ui" / "zh-Hant.yml").unlink()
    r = build(project)
    assert r.returncode != 0
    assert "ui/zh-Hant.yml" in r.stdout + r.stderr


SERVE_TWICE = """
import sys
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config

project = Path(sys.argv[1])
def once():  # what `mkdocs serve` does on every change: load the configuration, build
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(project / "site"))
    build(config)
once()
for lang in ("zh", "en"):
    old = project / "docs" / "questions" / f"01-test.{lang}.md"
    old.rename(old.with_name(f"01-renamed.{lang}.md"))
once()
"""


@pytest.mark.slow
def test_rebuilds_in_one_process_leave_no_state_behind(make_project):
    """Like `mkdocs serve`: build, rename a question, build again in the same process. The print
    page, study overview and search hold the renamed question once, never the old one."""
    project = make_project()
    with_generated_pages(project)
    for lang in ("zh", "en"):
        text = MINIMAL_QUESTION[lang].replace("seed: 1", "seed: 2")
        (project / "docs" / "questions" / f"02-other.{lang}.md").write_text(text, encoding="utf-8")
    r = subprocess.run(
        [sys.executable, "-c", SERVE_TWICE, str(project)],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert r.returncode == 0, r.stdout + r.stderr
    for prefix in ("", "en/"):
        printed = html(project / "site" / prefix / "print" / "index.html")
        assert [s.get("id") for s in printed.xpath('//section[@class="print-question"]')] == ["q01", "q02"]
        ids = printed.xpath("//@id")
        assert len(ids) == len(set(ids))
        rows = html(project / "site" / prefix / "study" / "index.html").xpath("//tbody/tr//a/@href")
        assert rows == ["../questions/01-renamed/", "../questions/02-other/"]
        search = (project / "site" / prefix / "search" / "search_index.json").read_text(encoding="utf-8")
        assert "01-renamed" in search and "01-test" not in search
