"""The site's languages, read from mkdocs-static-i18n's configuration (its ``languages`` list:
which are built, which is the default), and each language's interface strings, one table per
language in ``docs/ui/<locale>.yml``. Nothing else in the build names a language.

static-i18n builds the default language at the site root and every other language in a folder
named by its locale (``/en/``); a page knows its own language (``page.file.locale``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

UI_DIR = "ui"  # under docs/: docs/ui/<locale>.yml


class LanguageError(ValueError):
    """A language without its UI table, or a table that lacks a key of the default's."""


@dataclass(frozen=True)
class Languages:
    codes: tuple[str, ...]  # every built language, the default first, then in configuration order
    default: str

    @property
    def others(self) -> tuple[str, ...]:
        return tuple(c for c in self.codes if c != self.default)

    def prefix(self, lang: str) -> str:
        """The language's folder below the site root ("" for the default, "en/" for English)."""
        return "" if lang == self.default else f"{lang}/"

    def of_url(self, url: str) -> str:
        """The language of a site-relative URL."""
        first = url.split("/", 1)[0]
        return first if first in self.others else self.default

    def of_src(self, src_uri: str) -> str | None:
        """The language suffix of a source file (``questions/05-relu.en.md`` → ``en``), or None."""
        parts = src_uri.rsplit(".", 2)
        return parts[1] if len(parts) == 3 and parts[1] in self.codes else None


def from_config(config) -> Languages:
    """The languages static-i18n builds, from its plugin configuration (or the theme's language
    when the plugin is not configured)."""
    i18n = config.plugins.get("i18n")
    if i18n is None:
        lang = config.theme.get("language", "en")
        return Languages((lang,), lang)
    entries = list(i18n.config.languages)
    default = next((e.locale for e in entries if e.default), entries[0].locale)
    codes = [default] + [e.locale for e in entries if e.build and e.locale != default]
    return Languages(tuple(codes), default)


def load_ui(docs_dir: Path, langs: Languages) -> dict[str, dict]:
    """Every language's UI table; each must have the default language's keys (nested)."""
    tables = {}
    for lang in langs.codes:
        path = Path(docs_dir) / UI_DIR / f"{lang}.yml"
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise LanguageError(
                f"{path}: missing: every language needs its UI strings (copy {langs.default}.yml)"
            ) from None
        except yaml.YAMLError as e:
            raise LanguageError(f"{path}: not valid YAML: {e}") from None
        if not isinstance(data, dict):
            raise LanguageError(f"{path}: expected a mapping of UI strings")
        tables[lang] = data
    reference = tables[langs.default]
    for lang in langs.others:
        missing = missing_keys(reference, tables[lang])
        if missing:
            path = Path(docs_dir) / UI_DIR / f"{lang}.yml"
            raise LanguageError(f"{path}: missing UI string(s): {', '.join(missing)}")
    return tables


def missing_keys(reference: dict, table: dict, prefix: str = "") -> list[str]:
    out = []
    for key, value in reference.items():
        if key not in table:
            out.append(prefix + key)
        elif isinstance(value, dict):
            if not isinstance(table[key], dict):
                out.append(prefix + key)
            else:
                out += missing_keys(value, table[key], f"{prefix}{key}.")
        elif isinstance(value, list) and (not isinstance(table[key], list) or len(table[key]) != len(value)):
            out.append(f"{prefix}{key} (a list of {len(value)})")
    return out
