"""``make pdf``: the printable edition printed by headless Chromium, both languages.

Runs dlie.pdf on a copy of the built site and reads the PDFs back with Debian's
poppler-utils: every question's title is in the text, every font is embedded, and the print
pages link to the files that now exist."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from conftest import N_QUESTIONS, ROOT
from dlie import pageschema
from dlie import pdf as make_pdf
from dlie.linkcheck import check_site

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def squash(text: str) -> str:
    """Whitespace-free text: pdftotext breaks lines and CJK/Latin spacing anywhere."""
    return re.sub(r"\s+", "", text)


def titles(lang: str) -> dict[str, str]:
    out = {}
    for md in sorted((ROOT / "docs" / "questions").glob(f"*.{lang}.md")):
        meta, _ = pageschema.read_front_matter(md.read_text(encoding="utf-8"), str(md))
        out[md.name] = meta["title"]
    return out


_PRINTED: dict[str, tuple] = {}
# Each language is printed once, by the worker that visits that language's pages in
# test_browser.py (same xdist group): the two editions print in parallel.
BY_LANG = pytest.mark.parametrize(
    "lang", [pytest.param(lang, marks=pytest.mark.xdist_group(f"pages-{lang}")) for lang in ("zh", "en")]
)


@pytest.fixture
def printed(lang, site, tmp_path_factory):
    """(copy of the built site, PDF) after make_pdf printed ``lang`` into the copy."""
    if lang not in _PRINTED:
        copy = tmp_path_factory.mktemp(f"pdf-{lang}") / "site"
        shutil.copytree(site, copy)
        (pdf,) = make_pdf.make_pdfs(copy, langs=(lang,))
        _PRINTED[lang] = (copy, pdf)
    return _PRINTED[lang]


@BY_LANG
def test_pdf_holds_every_question_title(printed, lang):
    _, pdf = printed
    assert pdf.name == make_pdf.pdf_name(lang) and pdf.stat().st_size > 100_000
    raw = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True)
    text = squash(raw.stdout)
    expected = titles(lang)
    assert len(expected) == N_QUESTIONS
    missing = [f"{name}: {title}" for name, title in expected.items() if squash(title) not in text]
    assert not missing, "titles missing from the PDF text:\n" + "\n".join(missing)
    # the web page's study controls are not printed
    assert squash({"zh": "练习模式", "en": "Practice mode"}[lang]) not in text
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert int(re.search(r"Pages:\s+(\d+)", pages).group(1)) > N_QUESTIONS  # every question starts a page


@BY_LANG
def test_every_font_is_embedded(printed, lang):
    """Chromium embeds what it draws: Noto CJK (a CFF collection) as Type 3 glyph programs,
    KaTeX and Latin fonts as subset CID fonts. A font that is not embedded shows "no"."""
    _, pdf = printed
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = [re.search(r"\s(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$", line) for line in fonts.splitlines()[2:]]
    assert rows and all(rows), fonts
    assert all(m.group(1) == "yes" for m in rows), f"a font is not embedded:\n{fonts}"
    assert any("KaTeX_Main" in line for line in fonts.splitlines()), "formulas should use KaTeX's fonts"


@BY_LANG
def test_print_page_links_to_the_pdf_and_links_hold(printed, lang):
    copy, pdf = printed
    html = (pdf.parent / "index.html").read_text(encoding="utf-8")
    assert html.count('class="print-download"') == 1
    assert f'href="{pdf.name}"' in html
    # idempotent: running make pdf twice does not add a second link
    assert make_pdf.add_download_link(html, lang) == html
    report = check_site(copy)
    assert not report.problems, report.problems[:5]
