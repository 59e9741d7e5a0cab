"""Driving Material's search box in the browser tests (dlie.searchcheck holds the driver)."""

from __future__ import annotations

from dlie.chromium import AXE, CHROMIUM_ARGS, chromium_path  # noqa: F401  (re-exported for the tests)
from dlie.searchcheck import search, search_items  # noqa: F401  (re-exported for the tests)
