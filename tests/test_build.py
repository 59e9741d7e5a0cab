"""The built site: both languages, language switcher, per-language metadata."""

from __future__ import annotations

from pathlib import Path

import lxml.html

from conftest import ROOT
from dlie import theme


def pages(site):
    """Chinese pages (relative paths) of the built site, excluding the English tree."""
    return sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("index.html")
        if not p.relative_to(site).as_posix().startswith(("en/", "assets/", "search/"))
    )


def doc(path):
    return lxml.html.fromstring(path.read_bytes())


def test_both_languages_built_with_html_lang(site):
    zh, en = doc(site / "index.html"), doc(site / "en" / "index.html")
    assert zh.get("lang") == "zh"
    assert en.get("lang") == "en"
    assert "深度学习面试题详解" in zh.findtext(".//title")
    assert "Deep Learning Interview Questions Explained" in en.findtext(".//title")
    assert zh.xpath('//meta[@name="description"]/@content')[0].startswith("逐题讲透")
    assert en.xpath('//meta[@name="description"]/@content')[0].startswith("A question-by-question")


def test_every_page_exists_in_both_languages(site):
    zh_pages = pages(site)
    assert len(zh_pages) >= 2
    for rel in zh_pages:
        assert (site / "en" / rel).exists(), f"{rel} has no English build"
    en_pages = sorted(p.relative_to(site / "en").as_posix() for p in (site / "en").rglob("index.html"))
    assert set(en_pages) == set(zh_pages)


def test_language_switcher_leads_to_the_same_page(site):
    for rel in pages(site):
        for lang_dir, other_dir, other_lang in (("", "en/", "en"), ("en/", "", "zh")):
            page = site / lang_dir / rel
            links = doc(page).xpath(f'//a[contains(@class,"md-select__link")][@hreflang="{other_lang}"]/@href')
            assert links, f"{lang_dir}{rel}: no switcher link to {other_lang}"
            target = (page.parent / links[0]).resolve()
            if target.is_dir():
                target = target / "index.html"
            expected = (site / other_dir / rel).resolve()
            assert target == expected, f"{lang_dir}{rel}: switcher goes to {target}, expected {expected}"


def test_no_alternate_links_that_make_material_fetch_missing_sitemaps(site):
    # Material fetches <alternate>/sitemap.xml for every <link rel=alternate>: none are left,
    # the hreflang alternates live in sitemap.xml; the English search base has its sitemap.
    for rel in pages(site):
        for page in (site / rel, site / "en" / rel):
            assert not doc(page).xpath('//head/link[@rel="alternate"][@hreflang]'), page
    assert (site / "en" / "sitemap.xml").exists()
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert 'hreflang="en"' in sitemap and 'hreflang="zh"' in sitemap


def test_theme_features(site):
    html = (site / "index.html").read_text(encoding="utf-8")
    assert "content.code.copy" in html
    assert 'data-md-color-media="(prefers-color-scheme)"' in html  # follows the system by default
    assert "__md_scope" in html


def test_question_pages_have_edit_link_and_number_in_title(site):
    qs = sorted((site / "questions").glob("*/index.html"))
    assert qs, "no question pages were built"
    for q in qs:
        d = doc(q)
        h1 = d.xpath("//article//h1")[0].text_content()
        assert h1.split(".")[0].strip().isdigit(), f"{q}: title '{h1}' lacks its number"
        edit = d.xpath('//a[contains(@class,"md-content__button")]/@href')
        assert edit and edit[0].startswith("https://github.com/") and edit[0].endswith(".zh.md")


def test_config_is_strict_with_link_validation():
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
    cfg = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)
    assert cfg["strict"] is True
    assert cfg["validation"]["links"]["not_found"] == "warn"
    assert cfg["validation"]["links"]["anchors"] == "warn"


def test_palette_switching_rule_is_dropped_from_materials_css(site):
    """dlie.theme drops the rule that makes Material's start-up palette marks restyle the
    whole document (see the hook's docstring); planted: the rule as Material ships it."""
    import material

    assets = Path(material.__file__).parent / "templates" / "assets" / "stylesheets"
    (shipped,) = assets.glob("palette.*.min.css")
    rule = (
        "[data-md-color-switching] *,[data-md-color-switching] :after,"
        "[data-md-color-switching] :before{transition-duration:0s!important}"
    )
    planted = "a{color:red}" + rule + "b{color:blue}"
    assert theme.drop_switching_rule(planted) == ("a{color:red}b{color:blue}", 1)
    # the installed Material still ships the rule in this exact form
    assert theme.drop_switching_rule(shipped.read_text(encoding="utf-8"))[1] == 1
    built = list((site / "assets" / "stylesheets").glob("palette.*.min.css"))
    assert built and all("data-md-color-switching" not in p.read_text(encoding="utf-8") for p in built)


def test_content_tables_get_their_own_box_and_keyboard_focus():
    page = (
        '<div class="md-search" data-md-component="search" role="dialog"></div><article><p>x</p>'
        '<table><tr><td>1</td></tr></table><table class="highlighttable"><tr><td>c</td></tr></table></article>'
    )
    out = theme.fix_html(page, "Search")
    # in the scroll box Material's script would otherwise move it into at start-up
    box = '<div class="md-typeset__scrollwrap"><div class="md-typeset__table">'
    assert f'<p>x</p>{box}<table tabindex="0"><tr><td>1</td></tr></table></div></div>' in out
    assert out.count("md-typeset__scrollwrap") == 1 and 'class="highlighttable"' in out
    assert 'role="dialog" aria-label="Search"' in out


def test_materials_script_leaves_the_boxed_tables_alone(site):
    """dlie.theme narrows the selector of Material's data-table component to tables not yet in
    their scroll box (see the hook's docstring); checked against the installed Material too."""
    import material

    assets = Path(material.__file__).parent / "templates" / "assets" / "javascripts"
    (shipped,) = assets.glob("bundle.*.min.js")
    planted = 'a(M("table:not([class])",e).map(i=>ti(i)))'
    js, n = theme.narrow_table_selector(planted)
    assert n == 1 and js == 'a(M("table:not([class]):not([tabindex])",e).map(i=>ti(i)))'
    assert theme.narrow_table_selector(js) == (js, 1)  # a second build leaves it as it is
    assert theme.narrow_table_selector(shipped.read_text(encoding="utf-8"))[1] == 1
    built = list((site / "assets" / "javascripts").glob("bundle.*.min.js"))
    assert built and all(theme.PREWRAPPED_SELECTOR in p.read_text(encoding="utf-8") for p in built)
    # every content table of a formula page is written in its box
    html = (site / "questions" / "06-stride-padding" / "index.html").read_text(encoding="utf-8")
    tables = lxml.html.fromstring(html).xpath("//article//table[not(@class)]")
    assert tables and all(t.getparent().get("class") == "md-typeset__table" for t in tables)
    assert all(t.get("tabindex") == "0" for t in tables)  # what the narrowed selector skips
    assert all(t.getparent().getparent().get("class") == "md-typeset__scrollwrap" for t in tables)


def test_patch_files_rewrites_changed_files_and_counts(tmp_path):
    """on_post_build's edits of Material's built assets: a second build finds the bundle already
    narrowed (still counted), a changed Material counts 0, which makes the build warn."""
    fresh, done, changed = (tmp_path / n for n in ("a.js", "b.js", "c.js"))
    fresh.write_text('M("table:not([class])",e)', encoding="utf-8")
    done.write_text(f"M({theme.PREWRAPPED_SELECTOR},e)", encoding="utf-8")
    changed.write_text('M("table.data",e)', encoding="utf-8")
    assert theme.patch_files([fresh, done], theme.narrow_table_selector) == 2
    assert fresh.read_text(encoding="utf-8") == done.read_text(encoding="utf-8")
    assert theme.patch_files([changed], theme.narrow_table_selector) == 0
    assert changed.read_text(encoding="utf-8") == 'M("table.data",e)'
