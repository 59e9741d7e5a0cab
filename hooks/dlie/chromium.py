"""Headless Chromium (Debian's package, never a downloaded browser): launch settings shared by the
browser tests, the benchmark and the PDF printer."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
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
