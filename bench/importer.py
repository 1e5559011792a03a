"""Importing a generated 300-page PDF and a 1 MB HTML page: seconds, peak memory, and how
the time grows from 30 to 300 pages. `python -m bench.importer [--quick]`

Each import runs in a fresh Python process, so the peak resident memory reported is that
import's own (the interpreter and libraries included, nothing from earlier runs)."""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.report import Report, Row

ROOT = Path(__file__).resolve().parent.parent
PDF_SECONDS = 10.0  # the budget for 300 pages on a two-core machine
PDF_MEGABYTES = 300.0
SLOPE_TARGET = 1.15  # log-log slope of time against pages: 1.0 is linear

_CHILD = """
import json, resource, sys, time
from pathlib import Path
from bot.readings.importer import import_article
started = time.perf_counter()
result = import_article(Path(sys.argv[1]), max_words=600)
seconds = time.perf_counter() - started
print(json.dumps({
    "seconds": seconds,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "sections": len(result.sections),
    "words": sum(s.words for s in result.sections),
}))
"""


def measure(path: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def make_pdf(folder: Path, pages: int) -> tuple[Path, int]:
    """A pamphlet of about `pages` pages: ten-page chapters of plain prose."""
    from pypdf import PdfReader

    from tests.importer_documents import build_pdf, essay

    # One paragraph of the essay is about a tenth of a page in this layout.
    chapters = essay(max(1, pages // 10), paragraphs_each=73, tag="b")
    path = build_pdf(
        folder / f"pamphlet-{pages}.pdf",
        chapters,
        outline=True,
        running_header="A Generated Study Text",
        page_numbers=True,
    )
    return path, len(PdfReader(path).pages)


def make_html(folder: Path, size: int) -> Path:
    """A WordPress-shaped page of about `size` bytes: the article, share buttons, comments."""
    head = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>A Long Read</title>"
        "<link rel='canonical' href='https://example.org/long-read/'>"
        "<meta name='author' content='Bench Writer'></head><body>"
        "<header><nav><ul>"
        + "".join(f"<li><a href='/p{i}'>Page {i}</a></li>" for i in range(40))
        + "</ul></nav></header><main><article><h1>A Long Read</h1><div class='entry-content'>"
    )
    parts = [head]
    written = len(head)
    n = 0
    while written < size * 0.8:
        if n % 12 == 0:
            parts.append(f"<h2>Part {n // 12 + 1} Of The Long Read</h2>")
        paragraph = (
            f"<p>Paragraph {n} of the long read says something about the history of the "
            "neighbourhood, the people who organised there, and what the reading group made "
            "of it over several evenings of discussion, with a few <em>emphasised</em> words "
            "and a <a href='/link'>link</a> to keep the markup honest.</p>"
        )
        parts.append(paragraph)
        written += len(paragraph)
        n += 1
    parts.append("</div><div class='sharedaddy'><h3>Share this:</h3><a>Twitter</a></div>")
    parts.append("</article><div id='comments'><ol class='comment-list'>")
    while written < size:
        comment = (
            f"<li class='comment'><b class='fn'>Reader {n}</b> <span class='says'>says:</span>"
            f"<time>May 1, 2024 at 9:{n % 60:02d} am</time><div class='comment-content'><p>"
            "A reader's comment on the piece, which the import leaves out.</p></div>"
            "<a class='comment-reply-link'>Reply</a></li>"
        )
        parts.append(comment)
        written += len(comment)
        n += 1
    parts.append("</ol></div></main><footer>© 2024</footer></body></html>")
    path = folder / "long-read.html"
    path.write_text("".join(parts), encoding="utf-8")
    return path


def run(quick: bool) -> Report:
    report = Report("importer", quick)
    sizes = (30, 60) if quick else (30, 60, 120, 300)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        timings: dict[int, dict[str, float]] = {}
        for pages in sizes:
            path, real_pages = make_pdf(folder, pages)
            figures = measure(path)
            timings[real_pages] = figures
            print(
                f"  PDF {real_pages:4d} pages: {figures['seconds']:6.2f} s, "
                f"{figures['peak_mb']:6.0f} MB peak, {figures['sections']:.0f} sections, "
                f"{figures['words']:,.0f} words",
                flush=True,
            )
        html = make_html(folder, 200_000 if quick else 1_048_576)
        page = measure(html)
        print(
            f"  HTML {html.stat().st_size / 1_048_576:.2f} MB: {page['seconds']:.2f} s, "
            f"{page['peak_mb']:.0f} MB peak, {page['sections']:.0f} sections",
            flush=True,
        )
    small, large = min(timings), max(timings)
    slope = math.log(timings[large]["seconds"] / timings[small]["seconds"]) / math.log(
        large / small
    )
    biggest = timings[large]
    report.add(
        Row(
            name=f"PDF {large} pages, seconds",
            unit="s",
            baseline=PDF_SECONDS,
            bot=biggest["seconds"],
            ratio=biggest["seconds"] / PDF_SECONDS,
            target=1.0,
            direction="at_most",
            baseline_label="the 10 s budget",
        )
    )
    report.add(
        Row(
            name=f"PDF {large} pages, peak memory",
            unit="MB",
            baseline=PDF_MEGABYTES,
            bot=biggest["peak_mb"],
            ratio=biggest["peak_mb"] / PDF_MEGABYTES,
            target=1.0,
            direction="at_most",
            baseline_label="the 300 MB budget (whole process, interpreter included)",
        )
    )
    report.add(
        Row(
            name=f"PDF time slope, {small} to {large} pages",
            unit="",
            baseline=1.0,
            bot=slope,
            ratio=slope,
            target=SLOPE_TARGET,
            direction="at_most",
            baseline_label="1.0 is linear growth",
        )
    )
    report.extra.update(
        {
            "pdf": {str(k): v for k, v in timings.items()},
            "html": page,
            "html_seconds": round(page["seconds"], 2),
            "html_peak_mb": round(page["peak_mb"]),
            "pdf_seconds_per_page": round(biggest["seconds"] / large, 4),
        }
    )
    return report.finish()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    run(parser.parse_args().quick)


if __name__ == "__main__":
    main()
