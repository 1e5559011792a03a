"""`studybot import` on small documents built in the shape of real ones that came out wrong:
PDF ligatures, words hyphenated at line ends, a memo's date line and footnotes, and web pages
whose byline or title carries more than the author's name or the article's title."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import reportlab

from bot.readings.model import Reading, load_reading

ROOT = Path(__file__).resolve().parent.parent
VERA = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"  # has the fi and fl ligatures


def studybot_import(source: Path, tmp_path: Path) -> Reading:
    out = tmp_path / "readings" / "r.yaml"
    env = {**os.environ, "COLUMNS": "200", "PYTHONPATH": str(ROOT)}
    run = subprocess.run(
        [sys.executable, "-m", "bot.cli", "import", str(source), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=env,
    )
    assert run.returncode == 0, run.stderr
    return load_reading(out, out.parent)


def everything(reading: Reading) -> str:
    return "\n".join([reading.title] + [f"{s.title}\n{s.body}" for s in reading.sections])


# PDF text set with ligature glyphs (LaTeX papers and lecture notes)


def test_pdf_ligatures_become_plain_letters(tmp_path: Path) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    pdfmetrics.registerFont(TTFont("Vera", str(VERA)))
    path = tmp_path / "notes.pdf"
    canvas = Canvas(str(path), pagesize=(595, 842))
    canvas.setFont("Vera", 16)
    canvas.drawString(64, 760, "1 De\ufb01nitionen und Ein\ufb02uss")
    canvas.setFont("Vera", 10)
    y = 730.0
    for n in range(24):
        canvas.drawString(
            64, y, f"Line {n}: we \ufb01rst \ufb01nd the \ufb02ow, then de\ufb01ne it."
        )
        y -= 13
    canvas.showPage()
    canvas.save()
    text = everything(studybot_import(path, tmp_path))
    assert not any("\ufb00" <= c <= "\ufb06" for c in text)
    assert "1 Definitionen und Einfluss" in text
    assert "we first find the flow, then define it." in text
