"""Searching the built site as readers do, in headless Chromium: the browser tests and the
benchmark share it (a tool, like ``linkcheck``; not part of the build).

* :func:`search` / :func:`search_items` type a query into Material's real search box and read the
  results it shows.
* :func:`engine` runs queries straight through the page's own search worker (Material's, fed the
  language's index, with the site's query rewriting): the same ranking without rendering, for the
  hundreds of queries generated from the glossary (:func:`concept_queries`).
* The quality set (``tests/search_quality.yml``): queries as readers type them, each with the
  pages that answer it; :func:`run_quality` scores it in the search box.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
QUALITY = ROOT / "tests" / "search_quality.yml"
TOP = 3  # a query passes when an expected page is among the first three results

_META = "document.querySelector('.md-search-result__meta')"
# Lunr's English stop words: Material's English index never holds them (its stopWordFilter).
_STOP_WORDS = (
    "a able about across after all almost also am among an and any are as at be because been but by can "
    "cannot could dear did do does either else ever every for from get got had has have he her hers him "
    "his how however i if in into is it its just least let like likely may me might most must my neither "
    "no nor not of off often on only or other our own rather said say says she should since so some than "
    "that the their them then there these they this tis to too twas us wants was we were what when where "
    "which while who whom why will with would yet you your"
)
LUNR_STOP_WORDS = set(_STOP_WORDS.split())


def _open_search(page, timeout: float) -> None:
    box = page.locator("input.md-search__input")
    if not page.evaluate("document.getElementById('__search').checked"):
        toggle = page.locator("label.md-header__button[for=__search]")
        if toggle.is_visible():  # a phone-width header: the search button opens the overlay
            toggle.click()
        else:
            box.click()
    box.focus()
    # Material drops queries typed before its search worker has loaded the index: wait until
    # the overlay leaves the "initializing" state (its placeholder text replaces it).
    page.wait_for_function(
        f"() => {{ const m = {_META}; return m && m.textContent && !/Initializing|初始化/.test(m.textContent); }}",
        timeout=timeout,
    )


def search_items(page, query: str, timeout: float = 15000) -> list[dict]:
    """Type ``query`` into Material's search box; return the results as shown: one dict per
    result (a page), ``href`` (the page), ``links`` (every link of the result, sections in the
    "more on this page" list included) and ``text`` (what the reader sees)."""
    _open_search(page, timeout)
    box = page.locator("input.md-search__input")
    if box.input_value():  # a page reused for another query: back to the empty box first
        box.fill("")
        box.dispatch_event("keyup")
        page.wait_for_function(
            f"() => document.querySelectorAll('.md-search-result__item').length === 0 && {_META}.textContent"
            f" && !/\\d/.test({_META}.textContent)",
            timeout=timeout,
        )
    # Material rewrites the line above the results for every answer of its worker: blank it,
    # then wait for the answer to this query (a count, or "no results").
    page.evaluate(f"{_META}.textContent = ''")
    box.fill(query)
    # Material reads the query on keyup (and on focus); fill() sets the value (CJK included,
    # which synthetic key presses cannot type) and the keyup makes Material read it.
    box.dispatch_event("keyup")
    page.wait_for_function(f"{_META}.textContent !== ''", timeout=timeout)
    return page.eval_on_selector_all(
        ".md-search-result__item",
        """items => items.map(li => ({
            href: li.querySelector(':scope > a').href,
            links: [...li.querySelectorAll('a[href]')].map(a => a.href),
            text: li.innerText,
        }))""",
    )


def _path(href: str) -> str:
    return href.split("?")[0].split("#")[0]


def search(page, query: str, timeout: float = 15000) -> list[str]:
    """Type a query into Material's search box; return the result pages (URLs, in order)."""
    out: list[str] = []
    for item in search_items(page, query, timeout):
        if _path(item["href"]) not in out:
            out.append(_path(item["href"]))
    return out


# ---- the search worker, without the UI ---------------------------------------------------------
ENGINE_SETUP = """async () => {
    const config = JSON.parse(document.getElementById('__config').textContent);
    const base = new URL(config.base, location.href);
    const index = await (await fetch(new URL('search/search_index.json', base + '/'))).json();
    const worker = new Worker(config.search);
    const answers = [];
    worker.onmessage = ev => answers.push(ev.data);
    worker.postMessage({type: 0, data: {config: index.config, docs: index.docs, options: {suggest: false}}});
    await new Promise(ok => { const t = setInterval(() => answers.length && (clearInterval(t), ok()), 10); });
    window.__dlieEngine = query => new Promise(ok => {
        worker.onmessage = ev => ok(ev.data.data.items.map(group => group.map(doc => doc.location)));
        worker.postMessage({type: 2, data: query});
    });
    return true;
}"""
ENGINE_RUN = """async queries => {
    const out = [];
    for (const q of queries) out.push(await window.__dlieEngine(q));
    return out;
}"""


def engine(page, queries: list[str]) -> list[list[list[str]]]:
    """Run ``queries`` through the search worker of ``page`` (a page of one language, loaded):
    for each, the result groups (one per page, best first) as lists of locations (the page's
    entry first where Material lists it so), relative to the language's root."""
    if not page.evaluate("!!window.__dlieEngine"):
        page.evaluate(ENGINE_SETUP)
    return page.evaluate(ENGINE_RUN, queries)


def pages_of(groups: list[list[str]]) -> list[str]:
    """The page of each result group (location without its anchor), in order."""
    return [g[0].split("#")[0] for g in groups if g]


# ---- queries from the glossary ---------------------------------------------------------------
def typed_variants(term: str) -> list[str]:
    """A name or alias as readers type it: as written, in lower case, and (for names of several
    words) with the words run together and joined by hyphens."""
    out = [term, term.lower()]
    words = [w for w in re.split(r"[\s\-–—]+", term) if w]
    if len(words) > 1:
        out += ["".join(words).lower(), "-".join(words)]
    return list(dict.fromkeys(out))


def concept_queries(g, lang: str) -> list[tuple[str, str]]:
    """(concept id, query) for every name and alias of every concept in ``lang``, each as
    readers type it (:func:`typed_variants`)."""
    return [(c.id, q) for c in g.concepts.values() for term in c.terms(lang) for q in typed_variants(term)]


def typo(word: str) -> str:
    """A one-character typo of ``word``: its two middle letters swapped (or, if they are the
    same, its middle letter dropped)."""
    i = len(word) // 2
    if word[i - 1] != word[i]:
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    return word[:i] + word[i + 1 :]


def typo_query(name: str) -> str | None:
    """``name`` with a one-character typo in each word of six letters or more (:func:`typo`), for
    names written in Latin letters with such a word; None for the others."""
    if not re.fullmatch(r"[A-Za-z][A-Za-z \-]+", name) or not re.search(r"[A-Za-z]{6}", name):
        return None
    return " ".join(typo(w) if len(w) >= 6 else w for w in name.split())


@dataclass
class Miss:
    lang: str
    query: str
    want: str
    got: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.lang} {self.query!r}: wanted {self.want}, got {self.got[:5]}"


def check_concepts(engines: dict, g, explained: dict[str, dict[str, list[str]]], typos: bool = False) -> list[Miss]:
    """Every name and alias of every concept (as typed, :func:`concept_queries`) through the
    search worker of each language (``engines``: lang -> loaded page): a question that explains
    the concept (``explained``: concept id -> lang -> its pages) must be among the first
    :data:`TOP` result pages, and the concept's entry in the concept index among the results
    shown at once (the first ten). ``typos``: instead, each Latin name of six letters or more
    with a one-character typo (:func:`typo`) must still find a question that explains it."""
    misses = []
    for lang, page in engines.items():
        if typos:
            cases = [(c.id, q) for c in g.concepts.values() if (q := typo_query(c.names[lang]))]
        else:
            cases = concept_queries(g, lang)
        results = engine(page, [q for _, q in cases])
        for (cid, query), groups in zip(cases, results, strict=True):
            pages = pages_of(groups)
            want = explained[cid][lang]
            if not set(want) & set(pages[:TOP]):
                misses.append(Miss(lang, query, f"one of {want} in the first {TOP}", pages))
            entry = f"concepts/#{cid}"
            if not typos and not any(entry in group for group in groups[:10]):
                misses.append(Miss(lang, query, f"{entry} among the results", pages))
    return misses


# ---- the quality set -------------------------------------------------------------------------
@dataclass
class Case:
    lang: str
    query: str
    pages: list[str]  # site paths relative to the language's root ("questions/05-relu/", "concepts/")


def load_quality(path: Path = QUALITY, root: Path = ROOT) -> list[Case]:
    """The quality set; question numbers are resolved to their pages (docs/questions/NN-*)."""
    import yaml

    slugs = {int(p.name[:2]): p.name.split(".")[0] for p in (root / "docs" / "questions").glob("[0-9][0-9]-*.md")}
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases = []
    for lang, items in data.items():
        for item in items:
            pages = [f"questions/{slugs[p]}/" if isinstance(p, int) else p for p in item["pages"]]
            cases.append(Case(lang, str(item["q"]), pages))
    return cases


def run_quality(pages: dict, base_url: str, cases: list[Case]) -> tuple[dict[str, list[int]], list[Miss]]:
    """Each case typed into the search box of ``pages[lang]`` (one page per language, reused);
    returns ({lang: [passed, total]}, misses). A result page of the other language is a miss
    whatever else is found."""
    score: dict[str, list[int]] = {}
    misses = []
    for case in cases:
        prefix = base_url + ("" if case.lang == "zh" else f"{case.lang}/")
        got = search(pages[case.lang], case.query)
        rel = [u[len(prefix) :] if u.startswith(prefix) else u for u in got]
        foreign = [u for u in got if not u.startswith(prefix) or (case.lang == "zh" and u.startswith(base_url + "en/"))]
        ok = bool(set(case.pages) & set(rel[:TOP])) and not foreign
        score.setdefault(case.lang, [0, 0])
        score[case.lang][0] += ok
        score[case.lang][1] += 1
        if not ok:
            misses.append(Miss(case.lang, case.query, f"one of {case.pages}", foreign or rel))
    return score, misses
