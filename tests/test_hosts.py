"""Zero third-party requests: no resource in the built site is loaded from another host."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import lxml.html

from dlie import linkcheck

ALLOWED_HOSTS: set[str] = set()  # empty on purpose: readers in mainland China must not wait
RESOURCE_XPATH = (
    "//script/@src | //img/@src | //img/@srcset | //source/@src | //source/@srcset | //iframe/@src"
    " | //video/@src | //video/@poster | //audio/@src | //embed/@src | //object/@data"
    " | //link[not(@rel='canonical') and not(@rel='alternate')]/@href"
)


def third_party(url: str) -> str | None:
    url = url.strip()
    if url.startswith("//"):
        url = "https:" + url
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.hostname not in ALLOWED_HOSTS | {"127.0.0.1", "localhost"}:
        return parts.hostname
    return None


def resource_urls_in_html(html: bytes) -> list[str]:
    d = lxml.html.fromstring(html)
    urls = [str(u) for u in d.xpath(RESOURCE_XPATH)]
    for style in d.xpath("//style/text() | //@style"):
        urls += linkcheck.css_urls(str(style)) if "{" in style else re.findall(r"url\(['\"]?([^'\")]+)", style)
    return urls


def test_detector_catches_planted_third_party_resources():
    html = b"""<html><head><link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">
    <link rel="preconnect" href="//cdn.jsdelivr.net"><link rel="canonical" href="https://example.org/">
    <script src="https://cdn.example.com/katex.js"></script></head><body><a href="https://github.com/">ok</a>
    <div style="background:url(https://img.example.com/x.png)"></div></body></html>"""
    hosts = {third_party(u) for u in resource_urls_in_html(html)} - {None}
    assert hosts == {"fonts.googleapis.com", "cdn.jsdelivr.net", "cdn.example.com", "img.example.com"}


def test_no_third_party_resource_in_html_or_css(site):
    offenders = []
    for page in site.rglob("*.html"):
        for url in resource_urls_in_html(page.read_bytes()):
            host = third_party(url)
            if host:
                offenders.append(f"{page.relative_to(site)}: {url}")
    for css in site.rglob("*.css"):
        for url in linkcheck.css_urls(css.read_text(encoding="utf-8", errors="replace")):
            if third_party(url):
                offenders.append(f"{css.relative_to(site)}: {url}")
    assert not offenders, "\n".join(offenders)


def test_no_google_fonts_and_no_repository_facts_fetch(site):
    html = (site / "index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis.com" not in html and "fonts.gstatic.com" not in html
    # Material's "source" component calls api.github.com; our override removes it.
    assert 'data-md-component="source"' not in html
