"""Link checker for a built static site: reads only the HTML/CSS on disk.

Checks every internal ``href``/``src``/``srcset`` in HTML, every ``#fragment`` (same page
and cross page) against the target page's ``id``/``name`` attributes, and every CSS
``url()``/``@import``. External links are collected, not fetched, unless asked
(``check_external``). Usage: ``python tests/linkcheck.py SITE_DIR [--external]``.
"""

from __future__ import annotations

import re
import sys
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html
import tinycss2

LINK_ATTRS = {
    "a": ["href"],
    "link": ["href"],
    "script": ["src"],
    "img": ["src", "srcset"],
    "source": ["src", "srcset"],
    "iframe": ["src"],
    "video": ["src", "poster"],
    "audio": ["src"],
    "object": ["data"],
    "embed": ["src"],
    "area": ["href"],
}
SKIP_SCHEMES = ("mailto:", "tel:", "javascript:", "data:")
BASE = "http://site.invalid/"


@dataclass
class Problem:
    page: str
    link: str
    reason: str

    def __str__(self):
        return f"{self.page}: {self.link} -> {self.reason}"


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    external: set[str] = field(default_factory=set)
    checked: int = 0
    pages: int = 0


def _url_of(site: Path, path: Path) -> str:
    return BASE + path.relative_to(site).as_posix()


def _target_file(site: Path, url: str) -> Path | None:
    rel = unquote(urlsplit(url).path)[len(urlsplit(BASE).path) :]
    p = site / rel
    if rel == "" or rel.endswith("/") or p.is_dir():
        p = p / "index.html"
    return p if p.is_file() else None


class SiteChecker:
    def __init__(self, site: Path):
        self.site = Path(site)
        self._ids: dict[Path, set[str]] = {}

    def ids(self, page: Path) -> set[str]:
        if page not in self._ids:
            doc = lxml.html.fromstring(page.read_bytes())
            found = set(doc.xpath("//@id")) | set(doc.xpath("//a/@name"))
            self._ids[page] = {str(x) for x in found}
        return self._ids[page]

    def _check(self, report: Report, page_url: str, page_label: str, raw: str, allow_fragment: bool = True):
        raw = raw.strip()
        if not raw or raw.startswith(SKIP_SCHEMES):
            return
        absolute = urljoin(page_url, raw)
        parts = urlsplit(absolute)
        if parts.scheme not in ("http", "https") or parts.netloc != urlsplit(BASE).netloc:
            report.external.add(raw)
            return
        report.checked += 1
        target = _target_file(self.site, absolute)
        if target is None:
            report.problems.append(Problem(page_label, raw, "target does not exist"))
            return
        if parts.fragment and allow_fragment and target.suffix == ".html":
            frag = unquote(parts.fragment)
            if frag not in self.ids(target):
                report.problems.append(
                    Problem(
                        page_label, raw, f"no element with id '{frag}' in {target.relative_to(self.site).as_posix()}"
                    )
                )

    def check_html(self, report: Report, path: Path):
        page_url = _url_of(self.site, path)
        label = path.relative_to(self.site).as_posix()
        doc = lxml.html.fromstring(path.read_bytes())
        for el in doc.iter():
            if not isinstance(el.tag, str):
                continue
            for attr in LINK_ATTRS.get(el.tag, []):
                val = el.get(attr)
                if val is None:
                    continue
                candidates = [c.strip().split()[0] for c in val.split(",") if c.strip()] if attr == "srcset" else [val]
                for c in candidates:
                    self._check(report, page_url, label, c)
            style = el.get("style")
            if style and "url(" in style:
                for u in re.findall(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", style):
                    self._check(report, page_url, label, u, allow_fragment=False)
        for style in doc.iter("style"):
            for u in css_urls(style.text or ""):
                self._check(report, page_url, label, u, allow_fragment=False)

    def check_css(self, report: Report, path: Path):
        page_url = _url_of(self.site, path)
        label = path.relative_to(self.site).as_posix()
        for u in css_urls(path.read_text(encoding="utf-8", errors="replace")):
            self._check(report, page_url, label, u, allow_fragment=False)

    def run(self) -> Report:
        report = Report()
        for path in sorted(self.site.rglob("*.html")):
            report.pages += 1
            self.check_html(report, path)
        for path in sorted(self.site.rglob("*.css")):
            self.check_css(report, path)
        return report


def css_urls(css: str) -> list[str]:
    """Every url() and @import target in a stylesheet (tinycss2 tokenizer)."""
    out = []

    def walk(tokens):
        for tok in tokens:
            if tok.type == "url":
                out.append(tok.value)
            elif tok.type == "function" and tok.lower_name == "url":
                args = [a for a in tok.arguments if a.type == "string"]
                if args:
                    out.append(args[0].value)
            elif tok.type == "at-keyword" and tok.lower_value == "import":
                pass
            if getattr(tok, "content", None):
                walk(tok.content)
            if getattr(tok, "prelude", None):
                walk(tok.prelude)
            if tok.type == "function":
                walk(tok.arguments)

    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    for rule in rules:
        if rule.type == "at-rule" and rule.lower_at_keyword == "import":
            for tok in rule.prelude:
                if tok.type == "string":
                    out.append(tok.value)
        walk(getattr(rule, "prelude", None) or [])
        walk(getattr(rule, "content", None) or [])
    return out


def check_site(site: str | Path) -> Report:
    return SiteChecker(Path(site)).run()


def check_external(urls, timeout: float = 10.0) -> list[tuple[str, str]]:
    """Fetch external URLs (opt-in; needs a network). Returns (url, error) for failures."""
    bad = []
    for url in sorted(urls):
        if not url.startswith(("http://", "https://")):
            continue
        req = urllib.request.Request(url, method="HEAD", headers={"User-Agent": "linkcheck"})
        try:
            urllib.request.urlopen(req, timeout=timeout).close()
        except Exception as e:  # noqa: BLE001 - report any failure
            bad.append((url, str(e)))
    return bad


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    report = check_site(argv[0])
    for p in report.problems:
        print(p)
    print(
        f"{report.pages} pages, {report.checked} internal links checked, "
        f"{len(report.problems)} broken, {len(report.external)} external links (not fetched)"
    )
    rc = 1 if report.problems else 0
    if "--external" in argv:
        for url, err in check_external(report.external):
            print(f"external: {url} -> {err}")
            rc = 1
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
