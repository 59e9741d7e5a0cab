"""Build caches (hooks/build_cache.py): transparent, keyed by what the output depends on."""

from __future__ import annotations

from types import SimpleNamespace

import markdown
from pymdownx.highlight import Highlight

import build_cache
import diskmemo

SOURCE = '```python\nx = 1  # 注释\n```\n\n```{.python title="t.py"}\ny = 2\n```\n'


def render(text=SOURCE):
    return markdown.markdown(text, extensions=["pymdownx.highlight", "pymdownx.superfences"])


def test_highlight_memo_returns_what_pygments_returns(tmp_path):
    plain = render()
    config = SimpleNamespace(docs_dir=str(tmp_path / "docs"), plugins={})
    build_cache.on_config(config)
    try:
        assert render() == plain  # computed
        assert build_cache._memo.misses == 2
        assert render() == plain  # from the memo
        assert build_cache._memo.misses == 2
        assert render(SOURCE.replace("x = 1", "x = 3")) != plain  # another source, another entry
        assert build_cache._memo.misses == 3
        build_cache.on_post_build(config)
        assert (tmp_path / ".cache" / "highlight" / "blocks.json").is_file()
    finally:
        Highlight.highlight = Highlight.highlight.__wrapped__


def test_highlight_key_covers_settings_and_options():
    base = build_cache.highlight_key({"md": object(), "linenums": None}, ("x = 1", "python"), {"hl_lines": []})
    assert base == build_cache.highlight_key({"md": object(), "linenums": None}, ("x = 1", "python"), {"hl_lines": []})
    assert base != build_cache.highlight_key({"linenums": True}, ("x = 1", "python"), {"hl_lines": []})
    assert base != build_cache.highlight_key({"linenums": None}, ("x = 1", "python"), {"hl_lines": [1]})


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
