"""Benchmark: build time, hook cost, first-load page weight, search index sizes and search
quality (the quality set and the glossary's names in the browser). Prints a table, writes
bench/results/bench.json, with Lighthouse scores. Figures only; nothing here passes or fails.

  python bench/bench.py [--quick | --all] [--runs N] [--lighthouse-runs N] [--no-browser] [--no-lighthouse]

Pages measured (issue #19): the home page and a sample of ten question pages, in both languages,
plus the reference pages (below). The sample holds the five pages with the largest documents
and most formulas (questions 4, 6, 16, 24, 30) and five more of every size (5, 9, 13, 17, 25).
``--all`` measures every question page in both languages; ``--quick`` the home page, question 6
in both languages and its reference page, with one build run.

Reference pages: the same Markdown (questions 4 and 6, both languages) built with a plain
Material configuration: the theme's defaults (with system fonts, as here), the same Markdown
extensions, none of this site's hooks, overrides, CSS or JavaScript. Formulas stay TeX text (no
renderer) and the figure lines are dropped, so a reference page is the floor that this site's
choices (formulas, figures, study controls, theme fixes) are measured against.

``bench/trace.py`` attributes a page's main-thread time (style, layout, script by file, ...).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dlie.chromium import CHROMIUM_ARGS, chromium_path  # the browser tests' launch settings

ROOT = Path(__file__).resolve().parent.parent

RESULTS = ROOT / "bench" / "results"
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
SAMPLE = [
    "04-conv-pool-step-by-step",
    "05-relu",
    "06-stride-padding",
    "09-convolution-feature-extraction",
    "13-attention",
    "16-residual-gradient-flow",
    "17-batch-normalization",
    "24-convolution-kernel",
    "25-backpropagation",
    "30-weight-initialization",
]
REFERENCE = ["04-conv-pool-step-by-step", "06-stride-padding"]
QUICK = ["06-stride-padding"]
LANGS = ("", "en/")  # the site's URL prefix of each language


def site_pages(questions: list[str]) -> list[str]:
    """The home page and these question pages, in every language (site paths)."""
    return [lang + p for lang in LANGS for p in ["", *(f"questions/{q}/" for q in questions)]]


def all_questions() -> list[str]:
    return sorted(p.name.split(".")[0] for p in (ROOT / "docs" / "questions").glob("[0-9][0-9]-*.zh.md"))


FIGURE_LINE_RE = re.compile(r"^!\[[^\]]*\]\(figure:[^)]*\)\s*$", re.M)


def reference_config(docs: Path, site: Path) -> str:
    """A plain Material configuration: theme defaults, this site's Markdown extensions."""
    import yaml

    class Loader(yaml.SafeLoader):  # mkdocs.yml's !ENV and !!python tags: read as plain values
        pass

    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    ours = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)
    extensions = []
    for ext in ours["markdown_extensions"]:
        if isinstance(ext, dict) and "toc" in ext:
            ext = {"toc": {"permalink": True}}  # the slugify function is a Python object
        extensions.append(ext)
    config = {
        "site_name": "reference",
        "docs_dir": str(docs),
        "site_dir": str(site),
        # no web fonts: this site loads none (a third-party request) and neither does the floor
        "theme": {"name": "material", "language": "zh", "font": False},
        "markdown_extensions": extensions,
    }
    return yaml.safe_dump(config, allow_unicode=True, sort_keys=False)


def build_reference(questions: list[str], tmp: Path) -> tuple[Path, list[str]]:
    """The reference site (module docstring): each question's Markdown in each language, figure
    lines dropped; (site folder, site paths of its pages)."""
    docs, site = tmp / "ref-docs", tmp / "ref-site"
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "index.md").write_text("# reference\n", encoding="utf-8")
    paths = []
    for lang in ("zh", "en"):
        for q in questions:
            text = (ROOT / "docs" / "questions" / f"{q}.{lang}.md").read_text(encoding="utf-8")
            (docs / lang).mkdir(exist_ok=True)
            (docs / lang / f"{q}.md").write_text(FIGURE_LINE_RE.sub("", text), encoding="utf-8")
            paths.append(f"{lang}/{q}/")
    config = tmp / "reference.yml"
    config.write_text(reference_config(docs, site), encoding="utf-8")
    r = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config)],
        cwd=ROOT,  # pymdownx.snippets resolves its base_path (docs) from here
        env=ENV,
        capture_output=True,
        text=True,
    )
    if r.returncode:
        raise SystemExit(f"reference build failed:\n{r.stdout}\n{r.stderr}")
    return site, paths


def timed_build(config: Path, site: Path, env: dict | None = None) -> float:
    t0 = time.perf_counter()
    r = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(config), "-d", str(site)],
        cwd=config.parent,
        env={**ENV, **(env or {})},
        capture_output=True,
        text=True,
    )
    if r.returncode:
        raise SystemExit(f"build failed:\n{r.stdout}\n{r.stderr}")
    return time.perf_counter() - t0


def median_build(runs: int, site: Path, env: dict | None = None) -> float:
    return statistics.median(timed_build(ROOT / "mkdocs.yml", site, env) for _ in range(runs))


FIGURE_RENDER = """
import time
t0 = time.perf_counter()
from dlie import figures
keys = sorted(figures.load_all())
t1 = time.perf_counter()
for key in keys:
    for lang in ("zh", "en"):
        figures.render(key, lang)
print(len(keys), round(t1 - t0, 3), round(time.perf_counter() - t1, 3))
"""


def measure_builds(runs: int, tmp: Path) -> dict:
    """Build times (cold = a fresh clone's first build; warm = the median of later builds) and
    what each cache is worth: the warm build with that memo off, or with its cache emptied."""
    site = tmp / "site"
    shutil.rmtree(ROOT / ".cache", ignore_errors=True)  # as on a fresh clone
    cold = timed_build(ROOT / "mkdocs.yml", site)
    warm = median_build(runs, site)
    pages = len(list(site.rglob("index.html")))
    out = {
        "build_cold_s": round(cold, 3),
        "build_warm_median_s": round(warm, 3),
        "runs": runs,
        "pages_all_languages": pages,
        "per_page_ms": round(1000 * warm / pages, 1),
    }
    for memo in ("pages", "segments"):  # the two memo patches of other packages (README)
        off = median_build(runs, tmp / "site-off", {"DLIE_NO_MEMO": memo})
        out[f"warm_without_{memo}_memo_s"] = round(off, 3)
    figures_uncached = []
    for _ in range(runs):
        shutil.rmtree(ROOT / ".cache" / "figures", ignore_errors=True)
        figures_uncached.append(timed_build(ROOT / "mkdocs.yml", tmp / "site-fig"))
    out["warm_with_figures_uncached_s"] = round(statistics.median(figures_uncached), 3)
    r = subprocess.run([sys.executable, "-c", FIGURE_RENDER], capture_output=True, text=True, check=True, env=ENV)
    n, imports, render = r.stdout.split()
    out.update(figures=int(n), figure_import_s=float(imports), figure_render_all_languages_s=float(render))
    out.update(site_weights(site))
    return out, site


FIGURE_RE = re.compile(r'<figure class="fig" id="[^"]+">.*?</figure>', re.S)


def site_weights(site: Path) -> dict:
    """Figure bytes per question page (inline SVG, raw and gzip) and search index sizes."""
    import gzip

    per_page = []
    for page in sorted((site / "questions").glob("*/index.html")):
        figs = FIGURE_RE.findall(page.read_text(encoding="utf-8"))
        raw = "".join(figs).encode()
        per_page.append((page.parent.name, len(figs), len(raw), len(gzip.compress(raw))))
    with_figs = [p for p in per_page if p[1]]
    out = {
        "question_pages_with_figures": len(with_figs),
        "figure_kb_per_page_max": round(max((p[2] for p in per_page), default=0) / 1024, 1),
        "figure_kb_gz_per_page_max": round(max((p[3] for p in per_page), default=0) / 1024, 1),
        "figure_kb_gz_per_page_mean": round(sum(p[3] for p in with_figs) / max(len(with_figs), 1) / 1024, 1),
    }
    for lang, prefix in (("zh", ""), ("en", "en/")):
        index = site / prefix / "search" / "search_index.json"
        if index.exists():
            out[f"search_index_{lang}_kb"] = round(index.stat().st_size / 1024, 1)
    return out


def measure_pages(sites: dict[str, Path], targets: list[tuple[str, str]]) -> list[dict]:
    """First load of each (site, path) target: requests, bytes, third-party requests."""
    from contextlib import ExitStack

    from playwright.sync_api import sync_playwright

    from dlie.siteserver import SiteServer

    out = []
    with ExitStack() as stack, sync_playwright() as p:
        urls = {name: stack.enter_context(SiteServer(folder)) for name, folder in sites.items()}
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        for name, path in targets:
            url = urls[name]
            ctx = browser.new_context()
            page = ctx.new_page()
            reqs = []
            page.on("requestfinished", lambda r, reqs=reqs: reqs.append(r))
            page.goto(url + path, wait_until="networkidle")
            page.wait_for_load_state("load")
            # fonts found late by a busy main thread still count (as in the budget test)
            page.evaluate("document.fonts.ready.then(() => true)")
            total, third = 0, 0
            for r in reqs:
                s = r.sizes()
                total += s["responseBodySize"] + s["responseHeadersSize"]
                if not r.url.startswith(url):
                    third += 1
            html = next((r for r in reqs if r.url == url + path), None)
            out.append(
                {
                    "page": label(name, path),
                    "requests": len(reqs),
                    "third_party_requests": third,
                    "transferred_kb": round(total / 1024, 1),
                    "html_kb": round(html.sizes()["responseBodySize"] / 1024, 1) if html else None,
                    "html_raw_kb": round((sites[name] / path / "index.html").stat().st_size / 1024, 1),
                    "elements": page.evaluate("document.getElementsByTagName('*').length"),
                }
            )
            ctx.close()
        browser.close()
    return out


def label(site: str, path: str) -> str:
    return ("/" if site == "site" else f"{site}: /") + path


def measure_search(site: Path) -> dict:
    """Search quality in headless Chromium: the quality set (tests/search_quality.yml) typed into
    Material's search box, and every concept name and alias of the glossary (as typed) through
    the search worker: how many find their page among the first three results, per language."""
    from playwright.sync_api import sync_playwright

    from dlie import glossary, searchcheck
    from dlie.siteserver import SiteServer

    g = glossary.load_glossary(ROOT / "docs" / "concepts.yml")
    data = json.loads((site / "concepts.json").read_text(encoding="utf-8"))
    explained = {
        cid: {lang: [r["url"][lang].removeprefix("en/") for r in c["explained_in"]] for lang in ("zh", "en")}
        for cid, c in data["concepts"].items()
    }
    out = {}
    with SiteServer(site) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        pages = {lang: browser.new_page() for lang in ("zh", "en")}
        for lang, page in pages.items():
            page.goto(url + ("" if lang == "zh" else "en/"))
        score, misses = searchcheck.run_quality(pages, url, searchcheck.load_quality())
        for lang, (passed, total) in score.items():
            out[f"quality_set_{lang}"] = f"{passed}/{total}"
        out["quality_set_misses"] = [str(m) for m in misses]
        engines = {lang: browser.new_page() for lang in ("zh", "en")}
        for lang, page in engines.items():
            page.goto(url + ("" if lang == "zh" else "en/"))
        for name, typos in (("concept_queries", False), ("concept_typos", True)):
            missed = searchcheck.check_concepts(engines, g, explained, typos=typos)
            for lang in ("zh", "en"):
                if typos:
                    total = len([c for c in g.concepts.values() if searchcheck.typo_query(c.names[lang])])
                else:
                    total = len(searchcheck.concept_queries(g, lang))
                wrong = len({m.query for m in missed if m.lang == lang})
                out[f"{name}_{lang}"] = f"{total - wrong}/{total}"
        browser.close()
    return out


LIGHTHOUSE = ROOT / "bench" / "node_modules" / ".bin" / "lighthouse"


def lighthouse_run(url: str, preset: str, report: Path) -> dict:
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    cmd = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--chrome-flags={flags}",
        "--only-categories=performance,accessibility,best-practices,seo",
    ]
    if preset == "desktop":
        cmd.append("--preset=desktop")
    for attempt in range(3):  # on a busy machine a run sometimes fails (no paint seen in time)
        report.unlink(missing_ok=True)
        r = subprocess.run(cmd, env={**ENV, "CHROME_PATH": chromium_path()}, capture_output=True)
        d = json.loads(report.read_text(encoding="utf-8")) if r.returncode == 0 and report.exists() else {}
        if d and all(v["score"] is not None for v in d["categories"].values()):
            break
        error = (d.get("runtimeError") or {}).get("message") or r.stderr.decode(errors="replace")[-300:]
        print(f"  lighthouse {preset} {url}: attempt {attempt + 1} failed: {error}", file=sys.stderr)
    else:
        return {"error": error}
    audits = d["audits"]
    failed = sorted(  # what keeps accessibility, best practices or SEO under 100
        ref["id"]
        for name, cat in d["categories"].items()
        if name != "performance"
        for ref in cat["auditRefs"]
        if ref.get("weight") and audits[ref["id"]]["score"] == 0
    )
    return {
        "failed_audits": failed,
        **{k: round(100 * v["score"]) for k, v in d["categories"].items()},
        "lcp_ms": round(audits["largest-contentful-paint"]["numericValue"]),
        "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
        "cls": round(audits["cumulative-layout-shift"]["numericValue"], 4),
        # Lighthouse's estimate of the CPU's speed during the run: simulated throttling scales the
        # task times it observed, so a busy machine (a lower index) inflates TBT
        "benchmark_index": round(d["environment"]["benchmarkIndex"]),
        # first contentful paint as recorded (unthrottled), before the simulation: when Chromium
        # holds the first frame for ~1 s, Material's start-up lands across the simulated FCP and
        # TBT jumps by 200-300 ms although the page did the same work
        "observed_fcp_ms": round(audits["metrics"]["details"]["items"][0]["observedFirstContentfulPaint"]),
    }


def lighthouse(
    sites: dict[str, Path], targets: list[tuple[str, str]], runs: int, presets=("mobile", "desktop")
) -> list[dict]:
    """Lighthouse 12.2.3 scores and LCP/TBT/CLS, mobile and desktop presets: the median of
    ``runs`` runs per page and preset (interleaved, so a busy moment does not hit one page's
    runs only), with each run's performance score kept, as a single run varies by several points."""
    from contextlib import ExitStack

    from dlie.siteserver import SiteServer

    if not LIGHTHOUSE.exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=ROOT / "bench", check=True)
    results: dict[tuple[str, str], list[dict]] = {}
    with ExitStack() as stack, tempfile.TemporaryDirectory() as t:
        urls = {name: stack.enter_context(SiteServer(folder)) for name, folder in sites.items()}
        for _ in range(runs):
            for name, path in targets:
                for preset in presets:
                    run = lighthouse_run(urls[name] + path, preset, Path(t) / "lh.json")
                    results.setdefault((label(name, path), preset), []).append(run)
                    RESULTS.mkdir(parents=True, exist_ok=True)  # so far, in case the run stops
                    partial = json.dumps(medians(results), indent=1)
                    (RESULTS / "lighthouse-partial.json").write_text(partial, encoding="utf-8")
    return medians(results)


def medians(results: dict[tuple[str, str], list[dict]]) -> list[dict]:
    """Per page and preset, the median of each figure over the runs that did not fail."""
    out = []
    for (page, preset), all_runs in results.items():
        rs = [r for r in all_runs if "error" not in r]
        row = {"page": page, "preset": preset, "failed_runs": len(all_runs) - len(rs)}
        for k in rs[0] if rs else ():
            if k == "failed_audits":  # every audit failed in any run
                row[k] = sorted({a for r in rs for a in r[k]})
                continue
            med = statistics.median(r[k] for r in rs)
            row[k] = round(med, 4) if k == "cls" else round(med)
        for k, name in (("performance", "performance_runs"), ("tbt_ms", "tbt_runs"), ("observed_fcp_ms", "fcp_runs")):
            row[name] = [r[k] for r in rs]
        out.append(row)
    return out


def targets_summary(lh: list[dict]) -> dict:
    """Issue #19's targets over the question pages measured (medians): the worst of each."""
    rows = [r for r in lh if r["page"].startswith("/questions/") or r["page"].startswith("/en/questions/")]
    rows = [r for r in rows if "lcp_ms" in r]
    mobile = [r for r in rows if r["preset"] == "mobile"]
    desktop = [r for r in rows if r["preset"] == "desktop"]
    if not mobile:
        return {}
    worst = {
        "question_pages": len(mobile),
        "mobile_performance_min": min(r["performance"] for r in mobile),
        "mobile_tbt_ms_max": max(r["tbt_ms"] for r in mobile),
        "mobile_lcp_ms_max": max(r["lcp_ms"] for r in mobile),
        "desktop_performance_min": min((r["performance"] for r in desktop), default=None),
        "cls_max": max(r["cls"] for r in rows),
        "other_categories_min": min(min(r["accessibility"], r["best-practices"], r["seo"]) for r in rows),
    }
    worst["failed_audits"] = sorted(
        f"{r['page']} ({r['preset']}): {a}" for r in rows for a in r.get("failed_audits", [])
    )
    worst["met"] = {
        "mobile performance >= 90": worst["mobile_performance_min"] >= 90,
        "mobile TBT <= 200 ms": worst["mobile_tbt_ms_max"] <= 200,
        "mobile LCP <= 2500 ms": worst["mobile_lcp_ms_max"] <= 2500,
        "desktop performance >= 98": (worst["desktop_performance_min"] or 0) >= 98,
        "CLS < 0.02": worst["cls_max"] < 0.02,
        "accessibility, best practices, SEO 100": worst["other_categories_min"] == 100,
    }
    return worst


def main() -> None:
    ap = argparse.ArgumentParser()
    sample = ap.add_mutually_exclusive_group()
    sample.add_argument("--quick", action="store_true", help="home, question 6 and its reference page; one build run")
    sample.add_argument("--all", action="store_true", help="every question page, both languages")
    ap.add_argument("--runs", type=int, default=None, help="build runs (default 3, 1 with --quick)")
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--no-lighthouse", action="store_true")
    ap.add_argument("--lighthouse-runs", type=int, default=3)
    ap.add_argument("--questions", help="comma-separated question slugs instead of the sample")
    ap.add_argument("--mobile-only", action="store_true")
    ap.add_argument(
        "--baseline-site",
        type=Path,
        help="a site built before a change: its same pages are measured too, interleaved (labelled baseline)",
    )
    args = ap.parse_args()
    runs = args.runs or (1 if args.quick else 3)
    questions = QUICK if args.quick else all_questions() if args.all else SAMPLE
    if args.questions:
        questions = args.questions.split(",")
    reference = QUICK if args.quick else REFERENCE
    with tempfile.TemporaryDirectory() as t:
        builds, site = measure_builds(runs, Path(t))
        print("\nBuild (both languages)")
        for k, v in builds.items():
            print(f"  {k:32s} {v}")
        ref_site, ref_paths = build_reference(reference, Path(t))
        if args.quick:
            ref_paths = ref_paths[:1]
        sites = {"site": site, "reference": ref_site}
        targets = [("site", p) for p in site_pages(questions)] + [("reference", p) for p in ref_paths]
        if args.baseline_site:
            sites["baseline"] = args.baseline_site
            paired = [t for p in site_pages(questions) for t in (("baseline", p), ("site", p))]
            targets = paired + [("reference", p) for p in ref_paths]
        presets = ("mobile",) if args.mobile_only else ("mobile", "desktop")
        pages = [] if args.no_browser else measure_pages(sites, targets)
        lh = [] if args.no_browser or args.no_lighthouse else lighthouse(sites, targets, args.lighthouse_runs, presets)
        searching = {} if args.no_browser or args.quick else measure_search(site)
    if pages:
        print("\nFirst load (gzip as served, headless Chromium)")
        cols = ("requests", "KB transferred", "HTML KB gz", "HTML KB", "elements", "3rd-party")
        print(f"  {'page':48s} " + " ".join(f"{c:>14s}" for c in cols))
        for p in pages:
            vals = (
                p["requests"],
                p["transferred_kb"],
                p["html_kb"] or 0,
                p["html_raw_kb"],
                p["elements"],
                p["third_party_requests"],
            )
            print(f"  {p['page']:48s} " + " ".join(f"{v:>14}" for v in vals))
    if searching:
        print("\nSearch (headless Chromium): found among the first three results")
        for k, v in searching.items():
            if k != "quality_set_misses":
                print(f"  {k:32s} {v}")
        for miss in searching["quality_set_misses"]:
            print(f"    missed: {miss}")
    summary = targets_summary(lh)
    if lh:
        runs_n = len(lh[0]["performance_runs"])
        print(f"\nLighthouse 12.2.3 (simulated throttling), median of {runs_n} run(s); performance of each run")
        print(
            "  (benchmark_index: Lighthouse's CPU speed estimate, lower on a busy machine;"
            " runs: performance; TBT; first contentful paint as recorded, unthrottled)"
        )
        keys = ("performance", "accessibility", "best-practices", "seo", "lcp_ms", "tbt_ms", "cls", "benchmark_index")
        print(f"  {'page':48s} {'preset':8s} " + " ".join(f"{k:>14s}" for k in keys) + "  runs")
        for r in lh:
            runs_text = "; ".join(
                "/".join(str(x) for x in r[name]) for name in ("performance_runs", "tbt_runs", "fcp_runs")
            )
            if r["failed_runs"]:
                runs_text += f" ({r['failed_runs']} run(s) failed)"
            vals = " ".join(f"{r.get(k, '-'):>14}" for k in keys)
            print(f"  {r['page']:48s} {r['preset']:8s} {vals}  {runs_text}")
        print(f"\nTargets (issue #19), worst of {summary.get('question_pages', 0)} question page(s):")
        for k, v in summary.items():
            if k not in ("met", "failed_audits"):
                print(f"  {k:32s} {v}")
        for audit in summary.get("failed_audits", []):
            print(f"    failed audit: {audit}")
        for k, ok in summary.get("met", {}).items():
            print(f"  {'met' if ok else 'NOT met':8s} {k}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    data = {"build": builds, "pages": pages, "search": searching, "lighthouse": lh, "targets": summary}
    (RESULTS / "bench.json").write_text(json.dumps(data, indent=1), encoding="utf-8")
    print(f"\nwritten: {(RESULTS / 'bench.json').relative_to(ROOT)}")


if __name__ == "__main__":
    main()
