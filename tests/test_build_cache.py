"""Build caches (dlie.rendercache, dlie.search, .cache/): transparent, keyed by what the output depends on."""

from __future__ import annotations

import json

import pytest

from dlie import diskmemo, rendercache, search


def test_patches_of_other_packages_still_apply():
    """Canaries: the two memo patches (MkDocs' Page.render, Material's jieba segmentation) check
    on every build that what they wrap is still there; here they pass on the pinned versions and
    fail on a changed library (planted)."""
    from material.plugins.search.plugin import SearchIndex

    rendercache.canary()
    search.canary()
    original = SearchIndex._segment_chinese
    try:
        SearchIndex._segment_chinese = lambda self, data, extra=None: data  # a changed Material
        with pytest.raises(RuntimeError, match="_segment_chinese changed"):
            search.canary()
    finally:
        SearchIndex._segment_chinese = original
    from mkdocs.structure.pages import Page

    render = Page.render
    try:
        Page.render = lambda self, config, files: None  # a MkDocs whose render sets nothing we keep
        with pytest.raises(rendercache.PatchError):
            rendercache.canary()
    finally:
        Page.render = render


def test_patch_method_is_idempotent_across_rebuilds():
    class Lib:
        def f(self, x):
            return x + 1

    def doubled(original):
        return lambda self, x: 2 * original(self, x)

    diskmemo.patch_method(Lib, "f", doubled)
    diskmemo.patch_method(Lib, "f", doubled)  # mkdocs serve: on_config again
    assert Lib().f(1) == 4  # wrapped once, not twice
    assert Lib.f.__wrapped__(Lib(), 1) == 2


def test_stable_repr_has_no_memory_addresses():
    import pymdownx.slugs

    slugify = pymdownx.slugs.slugify(case="lower")
    text = rendercache.stable_repr(slugify)
    assert "0x" not in text and "_uslugify" in text and "lower" in text
    assert text == rendercache.stable_repr(pymdownx.slugs.slugify(case="lower"))
    assert text != rendercache.stable_repr(pymdownx.slugs.slugify(case="none"))


def test_toc_tokens_round_trip():
    from mkdocs.structure.toc import get_toc

    tokens = [
        {"level": 2, "id": "题目", "name": "题目", "children": [{"level": 3, "id": "a", "name": "A", "children": []}]}
    ]
    assert rendercache.toc_tokens(get_toc(tokens)) == tokens


def site_files(site):
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_cached_rebuild_is_identical_and_faults_still_fail(make_project):
    """A build from the caches (.cache/) writes the same site as a build without; a fault
    planted after the caches are warm is still reported, on every build, not only the first."""
    from conftest import build

    proj = make_project()
    for lang, text in (("zh", "\n使用 ReLU 激活。\n"), ("en", "\nUses ReLU.\n")):  # a concept link
        q = proj / "docs" / "questions" / f"01-test.{lang}.md"
        q.write_text(q.read_text(encoding="utf-8") + text, encoding="utf-8")
    assert build(proj).returncode == 0
    cold = site_files(proj / "site")
    assert b'class="concept-link"' in cold["en/questions/01-test/index.html"]
    memo = json.loads((proj / ".cache" / "pages" / "render.json").read_text(encoding="utf-8"))
    assert len(memo["entries"]) == 6  # 3 pages x 2 languages, every conversion stored
    assert build(proj).returncode == 0
    assert site_files(proj / "site") == cold

    # links into a cached page are checked against its anchors, restored from the cache
    home = proj / "docs" / "index.zh.md"
    home.write_text("# Home zh\n\n[题目](questions/01-test.md#题目)\n", encoding="utf-8")
    r = build(proj)
    assert r.returncode == 0, r.stdout + r.stderr
    home.write_text("# Home zh\n\n[题目](questions/01-test.md#no-such-anchor)\n", encoding="utf-8")
    for _ in range(2):  # a conversion that warned is not cached: the second build fails too
        r = build(proj)
        assert r.returncode != 0 and "no-such-anchor" in r.stdout + r.stderr

    # (in the default language: its build saves the caches before strict mode aborts it)
    page = proj / "docs" / "questions" / "01-test.zh.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n[gone](missing.md)\n", encoding="utf-8")
    home.write_text("# Home zh\n", encoding="utf-8")
    for _ in range(2):
        r = build(proj)
        assert r.returncode != 0 and "missing.md" in r.stdout + r.stderr and "01-test.zh.md" in r.stdout + r.stderr


def test_render_memo_snapshot_takes_a_formula_read_as_a_tag():
    """`$$\\sum_{i<j} x_{ID}$$` reads as a tag with a valueless "id" attribute to MkDocs' anchor
    scan (present_anchor_ids holds None): the memo's snapshot must not crash on it."""
    from types import SimpleNamespace

    from dlie import rendercache

    page = SimpleNamespace(
        content="<p>x</p>", toc=[], _title_from_render=None, present_anchor_ids={"a", None}, links_to_anchors=None
    )
    assert json.loads(rendercache.snapshot(page))["anchors"] == ["a"]
