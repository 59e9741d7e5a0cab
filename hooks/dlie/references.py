"""The references section of a question page: every item links to a stable address (pure
functions). Stable means an address that outlives a website redesign: a DOI, an arXiv abstract
page, a proceedings or journal page, or the publisher's page of a book. The offline tests check
the form; the scheduled external-link workflow checks that the addresses answer.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

HEADINGS = {"zh": "参考", "en": "References"}
# host -> path prefix that makes the address stable ("" = any path on that host)
STABLE = {
    "doi.org": "/10.",
    "arxiv.org": "/abs/",
    "openaccess.thecvf.com": "/content",
    "proceedings.neurips.cc": "/paper",
    "papers.nips.cc": "/paper",
    "proceedings.mlr.press": "/v",
    "jmlr.org": "/papers/",
    "www.jmlr.org": "/papers/",
    "aclanthology.org": "/",
    "openreview.net": "/forum",
    "dl.acm.org": "/doi/",
    "ieeexplore.ieee.org": "/document/",
    "ojs.aaai.org": "/index.php/AAAI/article/",
    "www.ijcai.org": "/proceedings/",
    "link.springer.com": "/",
    "www.nature.com": "/articles/",
    "www.pnas.org": "/doi/",
    "www.deeplearningbook.org": "/",
    "mitpress.mit.edu": "/",
    "d2l.ai": "/",
    "hal.science": "/",  # HAL, the French open archive (persistent records, like arXiv)
    "inria.hal.science": "/",
}
H2_RE = re.compile(r"^## +(.+?)\s*(?:\{[^}]*\})?\s*$", re.M)
ITEM_RE = re.compile(r"^(?:\d+\.|[-*]) +(.+)$", re.M)
URL_RE = re.compile(r"\]\((https?://[^)\s]+)\)|<(https?://[^>\s]+)>")


def items(markdown: str, lang: str) -> list[str] | None:
    """The list items of the page's references section, or None if it has none."""
    heads = list(H2_RE.finditer(markdown))
    for i, h in enumerate(heads):
        if h.group(1).strip() == HEADINGS[lang]:
            end = heads[i + 1].start() if i + 1 < len(heads) else len(markdown)
            return ITEM_RE.findall(markdown[h.end() : end])
    return None


def is_stable(url: str) -> bool:
    parts = urlsplit(url)
    prefix = STABLE.get(parts.hostname or "")
    return parts.scheme == "https" and prefix is not None and parts.path.startswith(prefix)


def problems(markdown: str, lang: str) -> list[str]:
    """One message per reference without a link to a stable address."""
    found = items(markdown, lang)
    if not found:
        return [f"no items under '## {HEADINGS[lang]}'"]
    out = []
    for item in found:
        urls = [a or b for a, b in URL_RE.findall(item)]
        if not urls:
            out.append(f"reference without a link: {item[:70]}")
        elif not any(is_stable(u) for u in urls):
            out.append(
                f"reference link is not a stable address (DOI, arXiv abstract, proceedings, publisher): {urls[0]}"
            )
    return out
