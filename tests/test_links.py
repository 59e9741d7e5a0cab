"""Link checker: proven on a fixture with planted faults, then run on the real site."""

from __future__ import annotations

from pathlib import Path

from dlie import linkcheck

FIXTURE = Path(__file__).parent / "fixtures" / "broken_site"


def test_checker_reports_every_planted_fault():
    report = linkcheck.check_site(FIXTURE)
    found = {(p.page, p.link) for p in report.problems}
    assert ("index.html", "missing/") in found  # missing page
    assert ("index.html", "a/#no-such-section") in found  # broken cross-page anchor
    assert ("index.html", "#nowhere") in found  # broken same-page anchor
    assert ("index.html", "img/missing.png") in found  # missing resource
    assert ("css/site.css", "../img/missing-bg.png") in found  # broken CSS url()
    # and nothing else: the valid links of the fixture are not reported
    assert len(found) == 5, report.problems
    assert report.external == {"https://example.org/"}


def test_css_urls_parser():
    css = '@import "a.css"; @font-face{src:url(f.woff2) format("woff2")} p{background:url("b.png")}'
    assert linkcheck.css_urls(css) == ["a.css", "f.woff2", "b.png"]


def test_built_site_has_no_broken_internal_link_or_anchor(site):
    report = linkcheck.check_site(site)
    assert report.pages > 5
    assert report.checked > 100
    assert not report.problems, "\n".join(map(str, report.problems))
