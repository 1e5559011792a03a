"""`studybot import` on small documents built in the shape of real ones that came out wrong:
PDF ligatures, words hyphenated at line ends, a memo's date line and footnotes, and web pages
whose byline or title carries more than the author's name or the article's title."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
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


# Web pages: the byline and the title the page's metadata gives

_PARAGRAPH = (
    "<p>"
    + "The council met on Tuesday to talk about the library and its opening hours. " * 5
    + "</p>"
)


def web_page(tmp_path: Path, *, head: str = "", byline: str = "", heading: str = "") -> Path:
    path = tmp_path / "page.html"
    path.write_text(
        f"<!doctype html><html><head><meta charset='utf-8'>{head}</head><body><header>"
        "<a href='/'>Home</a></header><article>"
        f"{heading}{byline}{_PARAGRAPH * 3}</article><footer>© 2019</footer></body></html>",
        encoding="utf-8",
    )
    return path


TITLE = "<title>Spiced Honey Pear Jam Recipe</title>"


@pytest.mark.parametrize(
    ("head", "byline", "author"),
    [
        # a WordPress author box
        (TITLE, "<div class='author-info'><a href='/author/dl/' rel='author'>View all posts by "
         "Daniel Lemire</a></div>", "Daniel Lemire"),
        # the dateline under the name, weekday first
        (TITLE, "<h3 class='byline'>by Jeff Foust<br><span class='datetime'>Monday, November 18,"
         " 2019</span></h3>", "Jeff Foust"),
        # the publisher in meta author, the person in JSON-LD
        (TITLE + "<meta name='author' content='Condé Nast'><meta name='copyright' content="
         "'Copyright (c) Condé Nast 2019'><script type='application/ld+json'>{\"@context\": "
         "\"http://schema.org\", \"@type\": "
         "\"NewsArticle\", \"author\": [{\"@type\": \"Person\", \"name\": \"Molly Wood\"}]}"
         "</script>", "", "Molly Wood"),
        # a wire story's byline in capitals
        (TITLE, "<div class='byline'>By LISA MASCARO, MARY CLARE JALONICK and ERIC TUCKER</div>",
         "Lisa Mascaro; Mary Clare Jalonick; Eric Tucker"),
        # a long name with its particles
        (TITLE, "<p class='byline'>By María José García López de la Fuente</p>",
         "María José García López de la Fuente"),
        # site accounts
        (TITLE, "<p class='post-text-author'>By <a href='/author/admin/' rel='author'>admin</a>"
         " - 2018-09-16</p>", None),
        (TITLE, "<div class='entry-content-post-author'><div class='author-name'>rmb8090</div>"
         "</div>", None),
        # a fact check's "who said it" box, which is not who wrote the page
        (TITLE, "<div class='statement-author'><h4 class='author'>The Russian and Syrian "
         "defense ministries</h4></div>", None),
    ],
    ids=[
        "view-all-posts",
        "weekday",
        "publisher",
        "capitals",
        "particles",
        "admin",
        "account",
        "statement",
    ],
)  # fmt: skip
def test_web_page_author_is_a_persons_name_or_nothing(
    tmp_path: Path, head: str, byline: str, author: str | None
) -> None:
    reading = studybot_import(web_page(tmp_path, head=head, byline=byline), tmp_path)
    assert (reading.author or None) == author


@pytest.mark.parametrize(
    ("head", "title"),
    [
        ("<title>Spiced Honey Pear Jam Recipe | The Anti-June Cleaver</title><meta property="
         "'og:title' content='Spiced Honey Pear Jam Recipe | The Anti-June Cleaver'><meta "
         "property='og:site_name' content='The Anti-June Cleaver'>", "Spiced Honey Pear Jam Recipe"),
        # the site's own name holds a separator; a short form of it after the title
        ("<title>Black Friday per nostalgici: le occasioni - Remember 80/90 - Memorabilia anni "
         "80/90</title><meta property='og:site_name' content='Remember 80/90 - Memorabilia anni"
         " 80/90'>", "Black Friday per nostalgici: le occasioni"),
        ("<title>The Medium is the Message | Inexhibit</title><meta property='og:site_name' "
         "content='Inexhibit magazine'>", "The Medium is the Message"),
        # the site named only by the JSON-LD website, before the title
        ("<title>The GiveWell Blog - A grant to Evidence Action</title><script type="
         "'application/ld+json'>{\"@graph\": [{\"@type\": \"WebSite\", \"name\": \"The GiveWell "
         "Blog\"}]}</script>", "A grant to Evidence Action"),
        # a dash that belongs to the title stays
        ("<title>Cats - the musical, reviewed</title><meta property='og:site_name' "
         "content='Stage Notes'>", "Cats - the musical, reviewed"),
    ],
    ids=["pipe", "site-with-dash", "short-site-name", "site-first", "own-dash"],
)  # fmt: skip
def test_web_page_title_leaves_out_the_sites_name(tmp_path: Path, head: str, title: str) -> None:
    reading = studybot_import(web_page(tmp_path, head=head), tmp_path)
    assert reading.title == title


# Words broken at a PDF's line ends, and hyphens that are real


def test_pdf_line_end_hyphens_join_words_and_keep_real_hyphens(tmp_path: Path) -> None:
    from reportlab.pdfgen.canvas import Canvas

    lines = [
        "Our reading circle printed the notes in A5 (Schwarz-",
        "Weiß, Ringbindung) so that everyone could write in the",
        "margins, and we talked about the circum-",
        "vention of the rules on named entities such as GPE, LO-",
        "CATION and FACILITY, which the tagger finds at each LOCATION",
        "in the text. The storms came between mid-",
        "Sep. and Nov. of that year, and the group asked for self-",
        "and peer-review of every summary before it was sent by e-",
        "mail to the members, who compared the F-score of the two",
        "taggers and then the F-",
        "score of the third one, with Anfangs- und Endpunkt marked.",
    ]
    path = tmp_path / "notes.pdf"
    canvas = Canvas(str(path), pagesize=(595, 842))
    canvas.setFont("Helvetica-Bold", 16)
    canvas.drawString(64, 770, "Notes from the Reading Circle")
    canvas.setFont("Helvetica", 10)
    y = 740.0
    for _ in range(3):
        for line in lines:
            canvas.drawString(64, y, line)
            y -= 13
        y -= 10
    canvas.showPage()
    canvas.save()
    text = " ".join(s.body for s in studybot_import(path, tmp_path).sections)
    for joined in [
        "(Schwarz-Weiß, Ringbindung)",
        "the circumvention of the rules",
        "GPE, LOCATION and FACILITY",
        "between mid-Sep. and Nov.",
        "asked for self- and peer-review",
        "sent by e-mail to",
        "then the F-score of the third",
        "Anfangs- und Endpunkt",
    ]:
        assert joined in text


# A memo typed in a word processor: a title block over a dateline, headings in small bold
# capitals, a footer and footnotes drawn before the page's text, a running header whose
# height moves by a few points


_TOPICS = ["treaties", "libraries", "broadcasters", "archives", "vessel hulls", "schools"]
_NOTES = ["Pub. L. No. 105-304", "See section 512", "Compare the Berne Convention", "Ibid.",
          "The WIPO treaties of 1996", "As amended in 1999"]  # fmt: skip


def _memo(path: Path) -> Path:
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(path), pagesize=(612, 792))
    for page, topic in enumerate(_TOPICS, start=1):
        # drawn first, read first: the footer and the page's footnote
        canvas.setFont("Times-Roman", 12)
        canvas.drawString(72, 75, f"Copyright Office Summary December 1998 Page {page}")
        canvas.setFont("Times-Roman", 11)
        canvas.drawString(72, 113, f"{_NOTES[page - 1]}, on {topic} and the law")
        canvas.drawString(72, 100, f"of the {topic}, is the footnote of this page.")
        y = 700.0
        if page == 1:
            canvas.setFont("Times-Bold", 13)
            canvas.drawString(200, y, "U.S. Copyright Office Summary")
            canvas.setFont("Times-Bold", 12)
            canvas.drawString(250, y - 20, "December 1998")
            y -= 50
        else:
            canvas.setFont("Times-Roman", 12)
            canvas.drawString(72, 714 if page < 4 else 709.68, "The Digital Millennium Act")
            y -= 20
        canvas.setFont("Times-Bold", 11)
        canvas.drawString(
            72, y, "INTRODUCTION" if page == 1 else f"TITLE {page - 1}: {topic.upper()}"
        )
        y -= 26
        for n in range(3):
            if n == 1:
                canvas.setFont("Times-Bold", 13)
                canvas.drawString(72, y, f"Limitation for {topic.title()}")
                y -= 26
            canvas.setFont("Times-Roman", 12)
            prose = (
                f"Part {n} on {topic}: the act was signed into law after a long debate on {topic} "
                f"in both chambers, and it implements rules for {topic} in paragraph {n} that "
                f"the {topic} of the country follow on the digital networks, as {topic} do."
            )
            words = f"{prose} {prose}".split()
            for start in range(0, len(words), 13):
                canvas.drawString(72, y, " ".join(words[start : start + 13]))
                y -= 14
            y -= 14
        canvas.showPage()
    canvas.save()
    return path


def test_pdf_memo_sections_start_at_a_heading_and_keep_footnotes_apart(tmp_path: Path) -> None:
    reading = studybot_import(_memo(tmp_path / "memo.pdf"), tmp_path)
    titles = [s.title for s in reading.sections]
    assert titles[0] == "INTRODUCTION"
    assert "December 1998" not in titles
    assert "TITLE 1: LIBRARIES" in titles and "Limitation for Libraries" in titles
    first = reading.sections[0].body
    # the title block opens the first section; the first sentence is the memo's own
    assert first.startswith("U.S. Copyright Office Summary\n\nDecember 1998\n\nPart 0 on treaties")
    body = "\n\n".join(s.body for s in reading.sections)
    assert "Page 3" not in body and "The Digital Millennium Act" not in body
    # each footnote kept whole, as its own paragraph, after its page's text
    paragraphs = body.split("\n\n")
    for note, topic in zip(_NOTES, _TOPICS, strict=True):
        whole = f"{note}, on {topic} and the law of the {topic}, is the footnote of this page."
        # after its page's last paragraph, before the next page's heading
        last = next(k for k, p in enumerate(paragraphs) if p.startswith(f"Part 2 on {topic}:"))
        assert paragraphs[last + 1] == whole
