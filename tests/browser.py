"""Driving Material's search box in the browser tests."""

from __future__ import annotations

from dlie.chromium import AXE, CHROMIUM_ARGS, chromium_path  # noqa: F401  (re-exported for the tests)


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
