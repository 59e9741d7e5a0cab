"""Print the printable edition of a built site to PDF with headless Chromium (``make pdf``).

  python tools/make_pdf.py [SITE_DIR]      (default: site/)

Writes SITE_DIR/print/dl-interview-explained.zh.pdf and SITE_DIR/en/print/…en.pdf (CJK text
needs Debian's fonts-noto-cjk) and adds a download link to each print page, so the link
exists exactly when the PDF does.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser import CHROMIUM_ARGS, chromium_path  # noqa: E402
from siteserver import SiteServer  # noqa: E402

EDITIONS = {"zh": ("print/", "下载 PDF"), "en": ("en/print/", "Download the PDF")}


def pdf_name(lang: str) -> str:
    return f"dl-interview-explained.{lang}.pdf"


def add_download_link(html: str, lang: str) -> str:
    link = f'<p class="print-download"><a href="{pdf_name(lang)}" download>{EDITIONS[lang][1]}</a></p>'
    if "print-download" in html:
        return html
    i = html.find("</h1>", html.find("<article"))
    return html[: i + 5] + "\n" + link + html[i + 5 :]


def make_pdfs(site: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out = []
    with SiteServer(site) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        page = browser.new_page()
        for lang, (path, _) in EDITIONS.items():
            page.goto(url + path, wait_until="networkidle", timeout=120_000)
            page.evaluate("document.fonts.ready")
            page.emulate_media(media="print")
            target = site / path / pdf_name(lang)
            page.pdf(
                path=str(target),
                format="A4",
                print_background=True,
                margin={"top": "15mm", "bottom": "15mm", "left": "12mm", "right": "12mm"},
            )
            html_path = site / path / "index.html"
            html_path.write_text(add_download_link(html_path.read_text(encoding="utf-8"), lang), encoding="utf-8")
            out.append(target)
        browser.close()
    return out


if __name__ == "__main__":
    site = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "site")
    for pdf in make_pdfs(site):
        print(f"written {pdf} ({pdf.stat().st_size / 1e6:.1f} MB)")
