"""How mkdocs-static-i18n builds the site, for hooks whose work spans both languages.

static-i18n builds the default language, then, from that build's ``on_post_build``, a nested
build per other language into ``<site>/<lang>/``. A hook that must act once on the whole site
(write the merged search indexes, save a cache, install shared assets) runs its
``on_post_build`` after static-i18n's (priority below -100) and asks :func:`final_site_root`.
"""

from __future__ import annotations

from pathlib import Path


def in_nested_build(config) -> bool:
    """True during static-i18n's nested build of a non-default language."""
    i18n = config.plugins.get("i18n")
    return i18n is not None and bool(getattr(i18n, "building", False))


def final_site_root(config) -> Path | None:
    """The site's root directory once every language is built; None in a nested build.

    (``config.site_dir`` may still name the last language's folder: the root is the folder
    that holds the sitemap static-i18n writes.)"""
    if in_nested_build(config):
        return None
    site = Path(config.site_dir)
    return site if (site / "sitemap.xml").exists() else site.parent
