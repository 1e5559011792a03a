"""The notes on passages as W3C Web Annotation JSON-LD: `studybot export --format annotations`
validates against a strict reading of the model, and `studybot import-annotations` reads such a
file back into a group, refusing a bad file whole with one sentence per problem."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from bot.cli.main import main
from bot.testing import make_harness, member
from tests.conftest import BASE_CONFIG, START

SCHEMA = json.loads(
    (Path(__file__).parent / "schemas" / "web_annotation_subset.json").read_text(encoding="utf-8")
)
OPENS = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
BEA, CAL = member("Bea"), member("Cal")
ANONYMOUS = BASE_CONFIG.replace("admins: [ana]", "admins: [ana]\n    anonymous: true")


def history(path: Path) -> None:
    """Two sessions of notes: shared, private, replied to."""

    async def go() -> None:
        h = await make_harness(path, start=START, storage_path=str(path.parent / "data/test.db"))
        await h.command("join", member=BEA)
        await h.advance_to(OPENS + timedelta(minutes=1))
        await h.command('quote "fixed time" A fixed hour.', member=BEA)
        await h.command('quote --private "second paragraph" Mine alone.', member=CAL)
        [post] = [s for s in h.platform.posts() if "on this passage" in s.message.body]
        assert post.posted is not None
        await h.reply_to(post.posted.message_id, "Tuesdays for us.", member=CAL, own_id="c1")
        await h.advance(timedelta(days=7))
        await h.command('quote "second part" Short is kind.', member=CAL)
        await h.close()

    (path.parent / "data").mkdir(exist_ok=True)
    asyncio.run(go())


def exported(path: Path, out: Path) -> list[dict[str, Any]]:
    code = main(["export", str(path), "--group", "readers", "--format", "annotations",
                 "--out", str(out)])  # fmt: skip
    assert code == 0
    data: list[dict[str, Any]] = json.loads(out.read_text(encoding="utf-8"))
    return data


def notes_in(path: Path) -> int:
    with sqlite3.connect(path.parent / "data/test.db") as db:
        return int(db.execute("SELECT COUNT(*) FROM annotations").fetchone()[0])


def test_the_export_is_one_valid_collection_per_session(
    write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    path = write_config(BASE_CONFIG)
    history(path)
    data = exported(path, tmp_path / "notes.jsonld")
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    assert [c["id"] for c in data] == [
        "urn:studybot:readers:session:1",
        "urn:studybot:readers:session:2",
    ]
    first = data[0]["first"]["items"]
    assert [a["motivation"] for a in first] == ["commenting", "replying"]
    note, reply = first
    assert note["creator"] == {"type": "Person", "name": "Bea"}
    assert note["body"]["value"] == "A fixed hour."
    quote, position = note["target"]["selector"]
    assert quote["exact"] == (
        "The first part says that groups keep going when they meet at a fixed time."
    )
    assert (position["start"], position["end"]) == (0, len(quote["exact"]))
    assert note["target"]["source"] == "urn:studybot:reading:three-parts:section:one"
    assert reply["target"] == note["id"] and reply["body"]["value"] == "Tuesdays for us."
    assert "Mine alone." not in json.dumps(data)  # private notes stay out


def test_anonymous_notes_have_no_creator(
    write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    path = write_config(ANONYMOUS)
    history(path)
    data = exported(path, tmp_path / "notes.jsonld")
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    items = [a for c in data for a in c["first"]["items"]]
    assert items and all("creator" not in a for a in items)
    assert "Bea" not in json.dumps(data) and "Cal" not in json.dumps(data)


def test_an_exported_file_imports_back_whole(
    write_config: Callable[[str], Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_config(BASE_CONFIG)
    history(path)
    file = tmp_path / "notes.jsonld"
    exported(path, file)
    # the group's notes are lost (say, a database restored from before them): the file brings
    # them back, without their members
    with sqlite3.connect(path.parent / "data/test.db") as db:
        db.execute("DELETE FROM annotation_replies")
        db.execute("DELETE FROM annotations")
    assert main(["import-annotations", str(path), "--group", "readers", str(file)]) == 0
    assert "Imported 2 notes and 1 reply into Readers." in capsys.readouterr().out
    assert notes_in(path) == 2
    # the same file again adds nothing, and says so in the CLI's language
    args = ["import-annotations", str(path), "--group", "readers", str(file), "--lang", "es"]
    assert main(args) == 0
    said = capsys.readouterr().out
    assert "Importé 0 notas y 0 respuestas en Readers." in said
    assert "3 notas y respuestas ya estaban" in said
    assert notes_in(path) == 2

    again = exported(path, tmp_path / "again.jsonld")
    jsonschema.Draft202012Validator(SCHEMA).validate(again)
    assert sum(c["total"] for c in again) == 3  # each note and reply once; imported: no creator
    assert sum(1 for c in again for a in c["first"]["items"] if "creator" not in a) == 3


def test_a_bad_file_is_refused_whole_with_a_sentence_per_problem(
    write_config: Callable[[str], Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_config(BASE_CONFIG)
    history(path)
    data = exported(path, tmp_path / "notes.jsonld")
    items = data[0]["first"]["items"]
    good = json.loads(json.dumps(items[0]))
    outside = json.loads(json.dumps(good))
    outside["target"]["selector"][1] = {"type": "TextPositionSelector", "start": 4000, "end": 4100}
    wrong_type = {**good, "type": "Note"}
    wrong_words = json.loads(json.dumps(good))
    wrong_words["target"]["selector"] = [{"type": "TextQuoteSelector", "exact": "purple elephants"}]
    too_long = {**good, "body": {"type": "TextualBody", "value": "x" * 10_000}}
    items[:] = [good, outside, wrong_type, wrong_words, too_long]
    data.append({"type": "AnnotationCollection", "id": "urn:studybot:readers:session:99",
                 "@context": "http://www.w3.org/ns/anno.jsonld", "first": {}})  # fmt: skip
    bad = tmp_path / "bad.jsonld"
    bad.write_text(json.dumps(data), encoding="utf-8")
    before = notes_in(path)
    assert main(["import-annotations", str(path), "--group", "readers", str(bad)]) == 1
    said = capsys.readouterr().err
    assert "annotation 2: its TextPositionSelector (4000-4100) points outside the section" in said
    assert "annotation 3: it is not an Annotation." in said
    assert "annotation 4: its quoted words are not in the section's text." in said
    assert "annotation 5: its text is 10,000 characters" in said
    assert "collection 3: readers has no session 99." in said
    assert "5 problems; nothing was imported." in said
    assert (
        main(["import-annotations", str(path), "--group", "readers", str(bad), "--lang", "es"]) == 1
    )
    assert "5 problemas; no se importó nada." in capsys.readouterr().err
    assert notes_in(path) == before  # not even the good one
    not_json = tmp_path / "broken.jsonld"
    not_json.write_text("{", encoding="utf-8")
    assert main(["import-annotations", str(path), "--group", "readers", str(not_json)]) == 1
    assert "nothing was imported" in capsys.readouterr().err
