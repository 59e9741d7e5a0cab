"""Headless Chromium (Debian's package, never a downloaded browser) for the browser tests."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str:
    if os.environ.get("CHROMIUM_PATH"):  # e.g. a CI runner's preinstalled Chrome
        return os.environ["CHROMIUM_PATH"]
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    raise RuntimeError(
        "Debian's chromium is required for the browser tests: apt-get install -y chromium "
        "(make test installs it when run as root)"
    )


def search(page, query: str, timeout: float = 15000) -> list[str]:
    """Type a query into Material's search box; return result links (page paths, in order)."""
    box = page.locator("input.md-search__input")
    if not box.is_visible():
        page.locator("label.md-header__button[for=__search]").click()
    box.click()
    # Material drops queries typed before its search worker has loaded the index: wait until
    # the overlay leaves the "initializing" state (its placeholder text replaces it).
    page.wait_for_function(
        """() => {
          const meta = document.querySelector('.md-search-result__meta');
          return meta && !/Initializing|初始化/.test(meta.textContent);
        }""",
        timeout=timeout,
    )
    if box.input_value():  # a page reused for another query: clear the previous results first
        box.fill("")
        box.dispatch_event("keyup")
        page.wait_for_function("document.querySelectorAll('.md-search-result__item').length === 0", timeout=timeout)
    box.fill(query)
    # Material reads the query on keyup (and on focus); fill() sets the value (CJK included,
    # which synthetic key presses cannot type) and the keyup makes Material read it.
    box.dispatch_event("keyup")
    page.wait_for_function(
        """() => {
          const meta = document.querySelector('.md-search-result__meta');
          if (!meta) return false;
          const n = document.querySelectorAll('.md-search-result__item > a').length;
          return n > 0 || /没有|No matching/.test(meta.textContent);
        }""",
        timeout=timeout,
    )
    hrefs = page.eval_on_selector_all(".md-search-result__item > a", "els => els.map(e => e.href)")
    seen, out = set(), []
    for h in hrefs:
        path = h.split("?")[0].split("#")[0]
        if path not in seen:
            seen.add(path)
            out.append(path)
    return out
