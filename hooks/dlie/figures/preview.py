"""Look at figures while drawing them: render one question's figures (or all) in every language
and both palettes, and screenshot them with headless Chromium at 1280 and 375 px.

  python -m dlie.figures.preview q06 [--out DIR]     writes DIR/q06-light-1280.png, … and index.html
"""

from __future__ import annotations

import argparse
from pathlib import Path

from dlie import markup
from dlie.figures import FigureError, keep_words, load_all, render, svg_texts, untranslated

ROOT = Path(__file__).resolve().parents[3]
CSS = ROOT / "docs" / "assets" / "stylesheets" / "extra.css"


def page(keys: list[str], scheme: str) -> str:
    parts = []
    for key in keys:
        for lang in ("zh", "en"):
            fig = render(key, lang)
            bad = untranslated(svg_texts(fig.svg), lang, keep_words(key))
            note = f" <b style='color:red'>untranslated? {bad}</b>" if bad else ""
            parts.append(
                f"<h3>{key} · {lang}{note}</h3>" + markup.figure_html(fig, key, f"alt {key}", f"{key} ({lang})")
            )
    css = CSS.read_text(encoding="utf-8")
    bg = "#1e2129" if scheme == "slate" else "#fff"
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">'
        f"<style>{css} body{{background:{bg};color:var(--fig-fg);font-family:sans-serif;margin:16px}}</style>"
        f'</head><body data-md-color-scheme="{scheme}"><div class="md-typeset">{"".join(parts)}</div></body></html>'
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("question", help="q06, or 'all'")
    ap.add_argument("--out", default="/tmp/figure-preview")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    keys = sorted(k for k in load_all() if args.question == "all" or k.startswith(args.question + "/"))
    if not keys:
        raise SystemExit(f"no figures for {args.question}")
    from playwright.sync_api import sync_playwright

    from dlie.chromium import CHROMIUM_ARGS, chromium_path

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        for scheme in ("default", "slate"):
            html = out / f"{args.question}-{scheme}.html"
            try:
                html.write_text(page(keys, scheme), encoding="utf-8")
            except FigureError as e:
                raise SystemExit(str(e)) from None
            for width in (1280, 375):
                pg = browser.new_page(viewport={"width": width, "height": 800})
                pg.goto(html.as_uri())
                name = out / f"{args.question}-{'light' if scheme == 'default' else 'dark'}-{width}.png"
                pg.screenshot(path=str(name), full_page=True)
                print(name)
                pg.close()
        browser.close()


if __name__ == "__main__":
    main()
