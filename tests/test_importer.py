"""Tests for the article importer: Markdown and plain-text splitting, footers, YAML output."""

from __future__ import annotations

import re
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from bot.readings.importer import (
    MAX_ARTICLE_BYTES,
    ArticleImportError,
    ImportedSection,
    ImportResult,
    article_end,
    heading_like,
    import_article,
    import_text,
    reading_yaml,
    sections_table,
    split_markdown,
    split_plain,
    split_sentences,
)
from bot.readings.model import load_reading


def words(n: int, prefix: str = "w") -> str:
    return " ".join(f"{prefix}{i}" for i in range(n))


def paragraph(n_sentences: int, tag: str) -> str:
    return " ".join(f"Sentence {tag}-{k} has a handful of plain words." for k in range(n_sentences))


ARTICLE_MD = f"""# The Coup In Bolivia: Lessons For Our Movement

{paragraph(4, "intro")}

## Role of US Government Disruption

{paragraph(3, "us")}

{paragraph(2, "us2")}

## Lack of Popular Participation in Social Movements

{paragraph(3, "lack")}

### 1. The State as Armed Bodies of Men

{paragraph(3, "state")}
"""


# Markdown


def test_markdown_headings_title_and_introduction() -> None:
    result = import_text(ARTICLE_MD, kind="markdown")
    assert result.title == "The Coup In Bolivia: Lessons For Our Movement"
    assert [s.title for s in result.sections] == [
        "Introduction",
        "Role of US Government Disruption",
        "Lack of Popular Participation in Social Movements",
        "1. The State as Armed Bodies of Men",
    ]
    role = result.sections[1]
    assert role.body == paragraph(3, "us") + "\n\n" + paragraph(2, "us2")
    assert role.words == len(role.body.split())
    assert result.dropped_tail_lines == 0
    assert result.source_kind == "markdown"


def test_markdown_all_heading_levels_start_sections() -> None:
    text = "\n\n".join(f"{'#' * n} Level {n}\n\nBody {n}." for n in range(1, 7))
    # The single top heading is the title; levels 2..6 are sections.
    assert [s.title for s in split_markdown(text)] == [f"Level {n}" for n in range(2, 7)]


def test_markdown_closing_hashes_and_emphasis_are_not_in_titles() -> None:
    sections = split_markdown(
        "## **Bold title** ##\n\nText.\n\n## [Linked](http://x.example)\n\nMore."
    )
    assert [s.title for s in sections] == ["Bold title", "Linked"]


def test_markdown_several_top_headings_are_all_sections() -> None:
    sections = split_markdown("# One\n\nFirst.\n\n# Two\n\nSecond.")
    assert [(s.title, s.body) for s in sections] == [("One", "First."), ("Two", "Second.")]


def test_setext_headings() -> None:
    text = (
        "Reading Title\n=============\n\nA short lede.\n\n"
        "First Part\n----------\n\nBody of the first part.\n\n"
        "Second Part\n---\n\nBody of the second.\n\n"
        "Not a heading\n\n---\n\nAfter a thematic break."
    )
    result = import_text(text, kind="markdown")
    assert result.title == "Reading Title"
    assert [s.title for s in result.sections] == ["First Part", "Second Part"]
    assert result.sections[0].body.startswith("A short lede.")  # short lede joins section one
    assert "---\n\nAfter a thematic break." in result.sections[1].body


def test_markdown_headings_inside_code_fences_are_ignored() -> None:
    text = "## Code\n\n```sh\n# install\npip install x\n\n## not this\n```\n\nAfter."
    sections = split_markdown(text)
    assert [s.title for s in sections] == ["Code"]
    assert "# install" in sections[0].body and "## not this" in sections[0].body


def test_markdown_list_item_underlined_is_not_setext() -> None:
    sections = split_markdown("## Items\n\n- one\n- two\n---\n\nEnd.")
    assert [s.title for s in sections] == ["Items"]


def test_empty_heading_leads_into_next_section() -> None:
    text = "## Mistakes and lessons\n\n### 1. The State\n\nState text.\n\n### 2. Education\n\nMore."
    sections = split_markdown(text)
    assert [s.title for s in sections] == ["1. The State", "2. Education"]
    assert sections[0].body == "**Mistakes and lessons**\n\nState text."


def test_front_matter_is_not_a_section() -> None:
    result = import_text(
        "---\ntitle: From meta\nauthor: A\n---\n\nSome text here.", kind="markdown"
    )
    assert result.title == "From meta"
    assert [s.body for s in result.sections] == ["Some text here."]


# Plain text

PLAIN = f"""The Coup In Bolivia: Lessons For Our Movement

By Kevin Zeese and Margaret Flowers

{paragraph(4, "intro")}

Role of US Government Disruption

{paragraph(3, "us")}

This line is short but ends with a period.

Lack of Popular Participation in Social Movements

{paragraph(2, "lack")}

- a bulleted item
- another item

1. The State as Armed Bodies of Men

{paragraph(2, "state")}

2. Importance of mobilizing and educating the people

{paragraph(2, "edu")}
"""


def test_plain_heading_lines_start_sections() -> None:
    result = import_text(PLAIN, kind="plain")
    assert result.title == "The Coup In Bolivia: Lessons For Our Movement"
    assert [s.title for s in result.sections] == [
        "Introduction",
        "Role of US Government Disruption",
        "Lack of Popular Participation in Social Movements",
        "1. The State as Armed Bodies of Men",
        "2. Importance of mobilizing and educating the people",
    ]
    # A byline at the top is neither a heading nor text: it is the reading's author.
    assert result.metadata.author == "Kevin Zeese and Margaret Flowers"
    assert "By Kevin Zeese" not in result.sections[0].body
    assert [d.reason for d in result.dropped] == ["a byline (kept as the reading's author)"]
    assert "This line is short but ends with a period." in result.sections[1].body
    assert "- a bulleted item" in result.sections[2].body


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Role of US Government Disruption", True),
        ("2. Importance of mobilizing and educating the people", True),
        ("Ends with a colon:", False),
        ("Why now?", False),
        ('He said "stop."', False),
        ("- a list item", False),
        ("lowercase start of a wrapped line", False),
        ("By Kevin Zeese", False),
        ("November 18, 2019", False),
        ("one two three four five six seven eight nine ten eleven twelve thirteen", False),
        ("X" * 91, False),
        ("* * *", False),
    ],
)
def test_heading_like(line: str, expected: bool) -> None:
    assert heading_like(line) is expected


def test_numbered_loose_list_is_not_headings() -> None:
    text = "Intro Title\n\nSome text here. More.\n\n1. Apples\n\n2. Pears\n\n3. Plums\n\nThe end."
    sections = split_plain(text, 600)
    assert [s.title for s in sections] == ["Full text"]


def test_mostly_short_lines_are_not_headings() -> None:
    poem = "\n\n".join(f"Line Of Verse {i}" for i in range(10))
    sections = split_plain(poem, 600)
    assert len(sections) == 1


def input_paragraphs(n: int, sizes: list[int]) -> list[str]:
    return [
        " ".join(f"Para{p} word{k}." if k % 9 == 8 else f"para{p}w{k}" for k in range(sizes[p]))
        for p in range(n)
    ]


def test_plain_without_headings_chunks_on_paragraph_boundaries() -> None:
    sizes = [40, 120, 75, 200, 30, 90, 150, 60, 110, 45, 80, 130]
    paras = input_paragraphs(len(sizes), sizes)
    sections = split_plain("\n\n".join(paras), max_words=250)
    assert len(sections) > 3
    assert all(re.fullmatch(r"Part \d+", s.title) for s in sections)
    position = 0
    for section in sections:
        chunk = section.body.split("\n\n")
        # Every chunk is a run of whole input paragraphs, in order.
        assert chunk == paras[position : position + len(chunk)]
        position += len(chunk)
        assert section.words <= 250 * 1.6
    assert position == len(paras)


def test_long_section_under_a_heading_is_cut_into_parts() -> None:
    paras = input_paragraphs(10, [100] * 10)
    text = "Only Heading\n\nA lede.\n\nBig Section\n\n" + "\n\n".join(paras)
    sections = split_plain(text, max_words=300)
    titles = [s.title for s in sections]
    assert titles[0] == "Big Section (part 1)" and titles[-1].startswith("Big Section (part")
    assert sum(s.words for s in sections) == 2 + sum(len(p.split()) for p in paras)


def test_huge_single_paragraph_is_split_only_at_sentence_ends() -> None:
    sentences = [
        f"Sentence number {i} says something about Dr. Ramos and U.S. policy." for i in range(400)
    ]
    text = " ".join(sentences)
    sections = split_plain(text, max_words=300)
    assert len(sections) > 5
    for section in sections:
        assert section.body.endswith("policy.")
        assert section.body.startswith("Sentence number")
    assert " ".join(s.body for s in sections).split() == text.split()


def test_huge_paragraph_without_sentence_ends_stays_whole() -> None:
    text = words(5000)
    sections = split_plain(text, max_words=300)
    assert len(sections) == 1 and sections[0].words == 5000


def test_split_sentences_respects_abbreviations_and_quotes() -> None:
    text = 'Mr. Smith met Dr. Jones. "Is it true?" she asked. J. R. Lee agreed! 2019 was hard.'
    assert split_sentences(text) == [
        "Mr. Smith met Dr. Jones.",
        '"Is it true?" she asked.',
        "J. R. Lee agreed!",
        "2019 was hard.",
    ]


# Footers and comment threads

BLOG_ARTICLE = f"""Title Of The Post

{paragraph(3, "a")}

Second Heading

{paragraph(3, "b")}
"""


@pytest.mark.parametrize(
    "footer",
    [
        "3 Comments\n\nAna says:\nNovember 19, 2019 at 9:00 am\n\nGreat piece!\n\nReply\n\nBea says:\nAgreed.",
        "Leave a Reply\n\nYour email address will not be published.",
        "Related\n\nAnother post title\n\nYet another",
        "Share this:\n\nTwitter\nFacebook\n\nLike this:\n\nLike Loading...",
        "Posted in Bolivia, Latin America | Tagged coup",
        "Tags: Bolivia, coup, OAS",
        "© 2019 Popular Resistance. All rights reserved.",
        "Print Friendly, PDF & Email",
        "Subscribe to our newsletter",
        "Ana says:\nWhat a read.\n\nReply",
        "12 thoughts on “Title Of The Post”\n\nSomeone says:\nHello",
    ],
)
def test_footer_after_article_is_not_sections(footer: str) -> None:
    result = import_text(BLOG_ARTICLE + "\n" + footer + "\n", kind="plain")
    assert [s.title for s in result.sections] == ["Introduction", "Second Heading"]
    assert result.sections[-1].body == paragraph(3, "b")
    assert result.dropped_tail_lines == sum(1 for line in footer.splitlines() if line.strip())


def test_markdown_blog_page_with_comment_thread() -> None:
    page = ARTICLE_MD + (
        "\n## 2 Comments\n\n**Ana** says:\n\n> Great article\n\n[Reply](https://x.example/r)\n\n"
        "### Leave a Reply\n\nName\n\nEmail\n"
    )
    result = import_text(page, kind="markdown")
    assert [s.title for s in result.sections][-1] == "1. The State as Armed Bodies of Men"
    assert "Great article" not in "".join(s.body for s in result.sections)
    assert result.dropped_tail_lines == 7


def test_marker_words_inside_the_article_do_not_cut_it() -> None:
    text = (
        "Comments\n\nThis note opens with a marker-looking line.\n\n"
        f"{paragraph(4, 'x')}\n\nReaders' comments shaped this essay, and we share this with you.\n\n"
        "Related work\n\nOther authors wrote on this.\n\nCopyright law matters here too, in 2019."
    )
    result = import_text(text, kind="plain")
    assert result.dropped_tail_lines == 0
    assert "Copyright law matters" in result.sections[-1].body


def test_footer_markers_in_code_are_ignored() -> None:
    text = f"## Code\n\n{paragraph(6, 'c')}\n\n```\nComments\nReply\n```\n\nEnd."
    lines = text.split("\n")
    assert article_end(lines, markdown=True) is None
    assert article_end(lines, markdown=False) is not None


# Files and errors


def test_import_article_markdown_and_plain(tmp_path: Path) -> None:
    md = tmp_path / "coup-in-bolivia.md"
    md.write_text(ARTICLE_MD, encoding="utf-8")
    result = import_article(md)
    assert result.source_kind == "markdown" and result.reading_id == "coup-in-bolivia"
    txt = tmp_path / "My_Article.TXT"
    txt.write_text(PLAIN, encoding="utf-8")
    plain = import_article(txt, reading_id="mine", title="Chosen title", max_words=100)
    assert plain.source_kind == "plain" and plain.reading_id == "mine"
    assert plain.title == "Chosen title"


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.md"
    path.write_text("", encoding="utf-8")
    with pytest.raises(ArticleImportError, match="no article text"):
        import_article(path)
    path.write_text("\n  \n# Only a title\n", encoding="utf-8")
    with pytest.raises(ArticleImportError, match="no article text"):
        import_article(path)


def test_other_extensions_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "article.docx"
    path.write_bytes(b"PK")
    with pytest.raises(ArticleImportError, match=r"\.docx.*\.md, \.markdown.*\.txt"):
        import_article(path)


def test_non_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Café con leche, por favor.".encode("latin-1"))
    with pytest.raises(ArticleImportError, match=r"not UTF-8.*offset 3"):
        import_article(path)


def test_huge_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:
        f.truncate(MAX_ARTICLE_BYTES + 1)
    with pytest.raises(ArticleImportError, match="MB"):
        import_article(path)


def test_missing_file_and_bad_options(tmp_path: Path) -> None:
    with pytest.raises(ArticleImportError, match="cannot read"):
        import_article(tmp_path / "nope.md")
    path = tmp_path / "a.md"
    path.write_text("Text.", encoding="utf-8")
    with pytest.raises(ArticleImportError, match="reading id"):
        import_article(path, reading_id="Bad Id")
    with pytest.raises(ArticleImportError, match="max words"):
        import_article(path, max_words=0)


# YAML output


def test_round_trip_through_load_reading(tmp_path: Path) -> None:
    result = import_text(
        ARTICLE_MD + '\n## Tail with `code`: and "quotes"\n\n    indented\n\n# x', kind="markdown"
    )
    text = reading_yaml(result, "coup-guide")
    assert "prompts: []" in text and "# TODO: add prompts" in text
    assert "body: |" in text
    reading = load_reading(_write(tmp_path, text), tmp_path)
    assert reading.id == "coup-guide"
    assert reading.title == result.title
    assert [s.title for s in reading.sections] == [s.title for s in result.sections]
    assert [s.body for s in reading.sections] == [s.body.strip() for s in result.sections]
    assert all(s.prompts == () for s in reading.sections)


def _write(tmp: Path, text: str) -> Path:
    path = tmp / "imported.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_section_ids_are_slugs_and_unique(tmp_path: Path) -> None:
    sections = tuple(
        ImportedSection(title=t, body="Body text.", words=2)
        for t in ["Intro", "Intro", "¿Qué pasó?", "!!!", "null", "x" * 120, "Intro"]
    )
    result = ImportResult(title="T", sections=sections, dropped_tail_lines=0, source_kind="plain")
    reading = load_reading(_write(tmp_path, reading_yaml(result, "ids")), tmp_path)
    ids = [s.id for s in reading.sections]
    assert ids[:5] == ["intro", "intro-2", "que-paso", "section-4", "null"]
    assert ids[6] == "intro-3"
    assert len(set(ids)) == len(ids) and all(len(i) <= 64 for i in ids)
    assert reading.sections[4].title == "null"


def test_reading_yaml_refuses_bad_id() -> None:
    result = import_text("Some text.", kind="plain")
    with pytest.raises(ArticleImportError, match="not allowed"):
        reading_yaml(result, "../escape")


def test_sections_table_lists_sections() -> None:
    result = import_text(BLOG_ARTICLE + "\nLeave a Reply\n\n[bold]Name[/bold]\n", kind="plain")
    console = Console(record=True, width=100)
    console.print(sections_table(result))
    out = console.export_text()
    assert [c.header for c in sections_table(result).columns] == ["#", "Title", "Words", "Minutes"]
    assert "Second Heading" in out and str(result.sections[1].words) in out
    assert result.dropped_tail_lines == 2  # the CLI reports these, not the table
    marked = ImportResult(
        title="[bold]T[/bold]",
        sections=(ImportedSection(title="[red]Not markup[/red]", body="b", words=1),),
        dropped_tail_lines=0,
        source_kind="plain",
    )
    console.print(sections_table(marked))
    out = console.export_text()
    assert "[bold]T[/bold]" in out and "[red]Not markup[/red]" in out


# Properties


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=2000), kind=st.sampled_from(["markdown", "plain"]))
def test_any_text_imports_or_fails_clearly(text: str, kind: str) -> None:
    try:
        result = import_text(text, kind=kind, max_words=50)  # type: ignore[arg-type]
    except ArticleImportError as exc:
        assert "no article text" in str(exc)  # the only way text can fail: nothing to import
        return
    with tempfile.TemporaryDirectory() as tmp:
        reading = load_reading(_write(Path(tmp), reading_yaml(result)), Path(tmp))
    assert len(reading.sections) == len(result.sections)


LINE = st.one_of(
    st.lists(
        st.sampled_from([f"t{i}" for i in range(60)] + ["end.", "Next", "it."]),
        min_size=1,
        max_size=14,
    ).map(" ".join),
    st.sampled_from(
        [
            "",
            "",
            "",
            "# Top",
            "## Part",
            "### Sub",
            "Heading Line",
            "---",
            "===",
            "- item",
            "1. Step",
            "```",
            "Comments",
            "Ana says:",
            "Reply",
        ]
    ),
)


@settings(max_examples=200, deadline=None)
@given(
    lines=st.lists(LINE, max_size=80),
    kind=st.sampled_from(["markdown", "plain"]),
    max_words=st.integers(5, 80),
)
def test_no_words_lost_silently(lines: list[str], kind: str, max_words: int) -> None:
    text = "\n".join(lines)
    try:
        result = import_text(text, kind=kind, max_words=max_words)  # type: ignore[arg-type]
    except ArticleImportError as exc:
        assert "no article text" in str(exc)  # e.g. only headings, or only a footer
        return

    def real(tokens: list[str]) -> list[str]:
        return [t.strip("*#:") for t in tokens if t.strip("*#=-`:")]  # "Parent: Child" titles

    source = real(text.split())
    bodies = real(" ".join(s.body for s in result.sections).split())
    titles = real(" ".join([result.title, *(s.title for s in result.sections)]).split())
    left_out = [line for d in result.dropped for line in d.lines]
    dropped = real(" ".join(left_out).split())
    # Every word is in the reading or in what the admin is told was dropped.
    assert not Counter(source) - Counter(bodies + titles + dropped)
    assert not Counter(dropped) - Counter(source)  # only lines of the source are reported
    assert set(left_out) <= set(lines)
    assert not Counter(bodies) - Counter(source)  # nothing invented in the bodies
