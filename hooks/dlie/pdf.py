"""Print the printable edition of a built site to PDF with headless Chromium (``make pdf``).

  python -m dlie.pdf [SITE_DIR]      (default: site/)

Writes SITE_DIR/print/dl-interview-explained.zh.pdf and SITE_DIR/en/print/…en.pdf (CJK text
needs Debian's fonts-noto-cjk, which Chromium embeds as a subset) and adds a download link to
each print page, so the link exists exactly when the PDF does. The deploy workflow runs it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from dlie.chromium import CHROMIUM_ARGS, chromium_path
from dlie.siteserver import SiteServer

ROOT = Path(__file__).resolve().parents[2]

EDITIONS = {"zh": ("print/", "下载 PDF 版"), "en": ("en/print/", "Download the PDF")}
FOOTER = (
    '<div style="width:100%;font-size:8px;color:#666;text-align:center">'
    '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
)


def pdf_name(lang: str) -> str:
    return f"dl-interview-explained.{lang}.pdf"


def add_download_link(html: str, lang: str) -> str:
    """Insert the download link under the print page's title (idempotent)."""
    if "print-download" in html:
        return html
    link = (
        f'<p class="print-download"><a class="md-button" href="{pdf_name(lang)}" download>{EDITIONS[lang][1]}</a></p>'
    )
    i = html.find("</h1>", html.find("<article"))
    if i < 0:
        raise ValueError(f"no <h1> in the {lang} print page")
    return html[: i + 5] + "\n" + link + html[i + 5 :]


def make_pdfs(site: Path, langs: tuple[str, ...] = ("zh", "en")) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out = []
    with SiteServer(site) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.emulate_media(media="print")
        for lang in langs:
            path = EDITIONS[lang][0]
            html_path = site / path / "index.html"
            if not html_path.exists():
                raise FileNotFoundError(f"{html_path}: build the site first (make build)")
            page.goto(url + path, wait_until="load", timeout=300_000)
            page.evaluate("document.fonts.ready")
            target = site / path / pdf_name(lang)
            page.pdf(
                path=str(target),
                format="A4",
                print_background=True,
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=FOOTER,
                margin={"top": "14mm", "bottom": "16mm", "left": "12mm", "right": "12mm"},
            )
            html_path.write_text(add_download_link(html_path.read_text(encoding="utf-8"), lang), encoding="utf-8")
            out.append(target)
        browser.close()
    return out


if __name__ == "__main__":
    site = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "site")
    for pdf in make_pdfs(site):
        print(f"written {pdf} ({pdf.stat().st_size / 1e6:.1f} MB)")
