"""Benchmark: build time, hook cost, first-load page weight, search index sizes and search
quality (the quality set and the glossary's names in the browser). Prints a table, writes
bench/results/bench.json. Figures only; nothing here passes or fails.

  python bench/bench.py [--runs N] [--lighthouse-runs N] [--no-browser] [--no-lighthouse]
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
PAGES = ["", "questions/05-relu/", "questions/06-stride-padding/", "questions/17-batch-normalization/"]


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


def measure_pages(site: Path) -> list[dict]:
    from playwright.sync_api import sync_playwright

    from dlie.siteserver import SiteServer

    out = []
    with SiteServer(site) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        for lang in ("", "en/"):
            for path in PAGES:
                ctx = browser.new_context()
                page = ctx.new_page()
                reqs = []
                page.on("requestfinished", lambda r, reqs=reqs: reqs.append(r))
                page.goto(url + lang + path, wait_until="networkidle")
                page.wait_for_load_state("load")
                # fonts found late by a busy main thread still count (as in the budget test)
                page.evaluate("document.fonts.ready.then(() => true)")
                total, third = 0, 0
                for r in reqs:
                    s = r.sizes()
                    total += s["responseBodySize"] + s["responseHeadersSize"]
                    if not r.url.startswith(url):
                        third += 1
                html = next((r for r in reqs if r.url == url + lang + path), None)
                out.append(
                    {
                        "page": "/" + lang + path,
                        "requests": len(reqs),
                        "third_party_requests": third,
                        "transferred_kb": round(total / 1024, 1),
                        "html_kb": round(html.sizes()["responseBodySize"] / 1024, 1) if html else None,
                        "html_raw_kb": round((site / lang / path / "index.html").stat().st_size / 1024, 1),
                    }
                )
                ctx.close()
        browser.close()
    return out


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
    subprocess.run(cmd, env={**ENV, "CHROME_PATH": chromium_path()}, check=True, capture_output=True)
    d = json.loads(report.read_text(encoding="utf-8"))
    audits = d["audits"]
    return {
        **{k: round(100 * v["score"]) for k, v in d["categories"].items()},
        "lcp_ms": round(audits["largest-contentful-paint"]["numericValue"]),
        "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
        "cls": round(audits["cumulative-layout-shift"]["numericValue"], 4),
    }


def lighthouse(site: Path, runs: int) -> list[dict]:
    """Lighthouse 12.2.3 scores and LCP/TBT/CLS, mobile and desktop presets: the median of
    ``runs`` runs per page and preset (interleaved, so a busy moment does not hit one page's
    runs only), with each run's performance score kept, as a single run varies by several points."""
    from dlie.siteserver import SiteServer

    if not LIGHTHOUSE.exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=ROOT / "bench", check=True)
    results: dict[tuple[str, str], list[dict]] = {}
    with SiteServer(site) as url, tempfile.TemporaryDirectory() as t:
        for _ in range(runs):
            for path in PAGES:
                for preset in ("mobile", "desktop"):
                    run = lighthouse_run(url + path, preset, Path(t) / "lh.json")
                    results.setdefault((path, preset), []).append(run)
    out = []
    for (path, preset), rs in results.items():
        row = {"page": "/" + path, "preset": preset}
        for k in rs[0]:
            med = statistics.median(r[k] for r in rs)
            row[k] = round(med, 4) if k == "cls" else round(med)
        row["performance_runs"] = [r["performance"] for r in rs]
        out.append(row)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--no-lighthouse", action="store_true")
    ap.add_argument("--lighthouse-runs", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as t:
        builds, site = measure_builds(args.runs, Path(t))
        print("\nBuild (both languages)")
        for k, v in builds.items():
            print(f"  {k:32s} {v}")
        pages = [] if args.no_browser else measure_pages(site)
        searching = {} if args.no_browser else measure_search(site)
        lh = [] if args.no_browser or args.no_lighthouse else lighthouse(site, args.lighthouse_runs)
    if pages:
        print("\nFirst load (gzip as served, headless Chromium)")
        cols = ("requests", "KB transferred", "HTML KB gz", "HTML KB", "3rd-party")
        print(f"  {'page':44s} " + " ".join(f"{c:>14s}" for c in cols))
        for p in pages:
            vals = (p["requests"], p["transferred_kb"], p["html_kb"] or 0, p["html_raw_kb"], p["third_party_requests"])
            print(f"  {p['page']:44s} " + " ".join(f"{v:>14}" for v in vals))
    if searching:
        print("\nSearch (headless Chromium): found among the first three results")
        for k, v in searching.items():
            if k != "quality_set_misses":
                print(f"  {k:32s} {v}")
        for miss in searching["quality_set_misses"]:
            print(f"    missed: {miss}")
    if lh:
        runs = len(lh[0]["performance_runs"])
        print(f"\nLighthouse 12.2.3 (simulated throttling), median of {runs} run(s); performance of each run")
        keys = ("performance", "accessibility", "best-practices", "seo", "lcp_ms", "tbt_ms", "cls")
        print(f"  {'page':40s} {'preset':8s} " + " ".join(f"{k:>14s}" for k in keys) + "  runs")
        for r in lh:
            runs_text = "/".join(str(x) for x in r["performance_runs"])
            print(f"  {r['page']:40s} {r['preset']:8s} " + " ".join(f"{r[k]:>14}" for k in keys) + f"  {runs_text}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    data = {"build": builds, "pages": pages, "search": searching, "lighthouse": lh}
    (RESULTS / "bench.json").write_text(json.dumps(data, indent=1), encoding="utf-8")
    print(f"\nwritten: {(RESULTS / 'bench.json').relative_to(ROOT)}")


if __name__ == "__main__":
    main()
