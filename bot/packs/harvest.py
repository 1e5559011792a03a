"""A harvest: the next version of a pack proposed from what a group learned, written to a
folder for the admin to edit, and approved (or not) before anything leaves.

The proposal is the group's pack one minor version on, its lineage kept, with the responses
members chose to share beyond the group added as lessons, and `HARVEST.md` beside it saying
what was added and which prompts nobody answered. While `HARVEST.md` is there the folder is
a proposal: `pack build` refuses it, and `forget-me` can still take a member's words out
(each harvested lesson carries an id the database ties to its author until approval).
"""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.core.i18n import ENGLISH, N_, Words
from bot.documents.yamlsource import YamlError, load_yaml_file
from bot.packs.editing import set_keys
from bot.packs.files import MANIFEST, SIGNATURE, Refused, pack_files
from bot.packs.manifest import write_manifest
from bot.packs.model import PACK_FILE, Lesson, Pack, PackError, load_pack, publish_problems
from bot.readings.model import Reading
from bot.storage import Storage

PROPOSAL = "HARVEST.md"  # present while the folder is a proposal, not yet approved


@dataclass(frozen=True, slots=True, kw_only=True)
class Unanswered:
    """A prompt a session posted and no member answered."""

    session: int
    reading: str
    section: str | None
    prompt: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Proposal:
    pack: Pack  # the proposed version, as it loads from the folder
    added: int  # lessons harvested from the group
    unanswered: tuple[Unanswered, ...]


def is_proposal(folder: Path) -> bool:
    return (folder / PROPOSAL).is_file()


def lesson_record(lesson: Lesson) -> dict[str, object]:
    """A lesson as pack.yaml writes it (None fields left out by the writer)."""
    return {
        "id": lesson.id,
        "reading": lesson.reading,
        "section": lesson.section,
        "prompt": lesson.prompt,
        "text": lesson.text,
        "credit": lesson.credit,
    }


def propose(
    parent: Pack,
    out: Path,
    *,
    group_name: str,
    lessons: Sequence[Lesson],
    unanswered: Sequence[Unanswered],
    words: Words = ENGLISH,
) -> Proposal:
    """Write into the new or empty folder `out` the pack `parent` one minor version on, with
    `lessons` added after the lessons it had."""
    _refuse_used(out)
    out.mkdir(parents=True, exist_ok=True)
    for item in pack_files(parent.path):
        target = out / item.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(item.path, target)
    (out / SIGNATURE).unlink(missing_ok=True)
    path = out / PACK_FILE
    version = parent.version.bump_minor()
    everything = [lesson_record(x) for x in (*parent.lessons, *lessons)]
    text = set_keys(
        path.read_text(encoding="utf-8"), {"version": str(version), "lessons": everything}
    )
    path.write_text(text, encoding="utf-8")
    (out / PROPOSAL).write_text(
        _report(parent, str(version), group_name, len(lessons), unanswered, out, words),
        encoding="utf-8",
    )
    return _proposal(out, lessons, unanswered)


def propose_first(
    out: Path,
    *,
    pack_id: str,
    title: str,
    language: str,
    readings: Sequence[Reading],
    readings_dir: Path,
    group_name: str,
    lessons: Sequence[Lesson],
    unanswered: Sequence[Unanswered],
    words: Words = ENGLISH,
) -> Proposal:
    """Write into the new or empty folder `out` a first pack (1.0.0) of a group that reads
    plain readings: its readings copied with the files they name, and `lessons`. It has no
    licence: the admin chooses one before it can be approved."""
    _refuse_used(out)
    root = readings_dir.resolve()
    listed: list[str] = []
    languages = [_pack_language(language)]
    for reading in readings:
        source = Path(reading.path or "")
        if not source.is_file():
            raise Refused(N_("the reading {id} has no file to copy"), id=repr(reading.id))
        target = out / "readings" / source.name
        if target.exists():
            target = out / "readings" / f"{reading.id}{source.suffix}"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        listed.append(target.relative_to(out).as_posix())
        for name in _files_named(source):
            found = (root / name).resolve()
            if found.is_relative_to(root) and found.is_file():
                copy = out / name
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(found, copy)
        translated = {c for s in reading.sections for c in s.languages} | dict(
            reading.titles
        ).keys()
        for code in sorted(translated):
            if _pack_language(code) not in languages:
                languages.append(_pack_language(code))
    header = "\n".join(
        f"# {line}"
        for line in textwrap.wrap(
            words.gettext(
                "A first pack of the course {group} reads, proposed by `studybot pack harvest`. "
                "Give it a `license:` (an SPDX id such as CC-BY-SA-4.0), a summary and its "
                "authors before you approve it.",
                group=group_name,
            ),
            88,
        )
    )
    body = set_keys(
        "",
        {
            "id": pack_id,
            "title": title,
            "version": "1.0.0",
            "summary": "",
            "languages": languages,
            "authors": [group_name],
            "readings": listed,
            "lessons": [lesson_record(x) for x in lessons],
        },
    )
    (out / PACK_FILE).write_text(header + "\n" + body.lstrip("\n"), encoding="utf-8")
    (out / PROPOSAL).write_text(
        _report_first(pack_id, group_name, len(lessons), unanswered, out, words),
        encoding="utf-8",
    )
    return _proposal(out, lessons, unanswered)


def _refuse_used(out: Path) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise Refused(
            N_("{folder} is not an empty folder; harvest into a new folder"), folder=str(out)
        )


def _proposal(out: Path, lessons: Sequence[Lesson], unanswered: Sequence[Unanswered]) -> Proposal:
    """The proposal written into `out`, as it loads. What it was made from loaded, so a problem
    here is our mistake, said plainly."""
    try:
        pack = load_pack(out)
    except PackError as exc:
        raise Refused(
            N_("the proposed pack does not load: {problem}"), problem=exc.problems[0]
        ) from None
    return Proposal(pack=pack, added=len(lessons), unanswered=tuple(unanswered))


def _pack_language(code: str) -> str:
    """ "pt_BR" as a pack's `languages:` writes it: "pt-BR"."""
    return code.replace("_", "-")


def _files_named(reading_file: Path) -> list[str]:
    """The `file:` bodies a reading file names (its sections' and their translations')."""
    try:
        data = load_yaml_file(reading_file).data
    except YamlError:
        return []
    names: list[str] = []
    sections = data.get("sections") if isinstance(data, dict) else None
    for section in sections if isinstance(sections, list) else []:
        if not isinstance(section, dict):
            continue
        texts = [section, *(section.get("translations") or {}).values()]
        names += [str(t["file"]) for t in texts if isinstance(t, dict) and t.get("file")]
    return names


def _report_first(
    pack_id: str,
    group_name: str,
    added: int,
    unanswered: Sequence[Unanswered],
    out: Path,
    words: Words,
) -> str:
    w = words
    intro = w.ngettext(
        "This folder proposes {pack} 1.0.0, a first pack of the course {group} reads, so that "
        "other groups can run it. It adds {n} lesson: a response a member chose to share beyond "
        "the group (`respond --public`), without a name if it was anonymous.",
        "This folder proposes {pack} 1.0.0, a first pack of the course {group} reads, so that "
        "other groups can run it. It adds {n} lessons: responses members chose to share beyond "
        "the group (`respond --public`), anonymous ones without a name.",
        added,
        pack=pack_id,
        group=group_name,
    )
    licence = w.gettext(
        "It has no licence yet: choose under which terms others may use it and write it in "
        "`pack.yaml` as `license:` (an SPDX id such as CC-BY-SA-4.0); approving waits for it."
    )
    return _report_text(
        "# "
        + w.gettext(
            "Harvest: a first pack, {pack} 1.0.0, proposed from {group}",
            pack=pack_id,
            group=group_name,
        ),
        [intro, "", licence],
        unanswered,
        out,
        w,
    )


def _report(
    parent: Pack,
    version: str,
    group_name: str,
    added: int,
    unanswered: Sequence[Unanswered],
    out: Path,
    words: Words,
) -> str:
    """`HARVEST.md`, in the language of the admin who asked for it."""
    w = words
    intro = w.ngettext(
        "This folder proposes {pack} {version}, the next version of {ref}. It adds {n} "
        "lesson: a response a member chose to share beyond the group (`respond --public`), "
        "without a name if it was anonymous.",
        "This folder proposes {pack} {version}, the next version of {ref}. It adds {n} "
        "lessons: responses members chose to share beyond the group (`respond --public`), "
        "anonymous ones without a name.",
        added,
        pack=parent.id,
        version=version,
        ref=parent.ref,
    )
    title = w.gettext(
        "Harvest: {pack} {version}, proposed from {group}",
        pack=parent.id,
        version=version,
        group=group_name,
    )
    return _report_text("# " + title, [intro], unanswered, out, w)


def _report_text(
    title: str, intro: list[str], unanswered: Sequence[Unanswered], out: Path, w: Words
) -> str:
    # no member's words here: forget-me removes lessons from pack.yaml, and this file stays
    lines = [
        title,
        "",
        *intro,
        "",
        w.gettext(
            "Edit `pack.yaml` as you see fit: shorten, drop or reword lessons, improve the "
            "facilitator notes. Keep each harvested lesson's `id` until then: if a member asks "
            "the bot to forget them, that is how their words are found and taken out. Nothing "
            "leaves until you approve it:"
        ),
        "",
        f"    studybot pack approve {out}",
        "",
        w.gettext(
            "Approving removes this file and writes the MANIFEST; then `studybot pack build`."
        ),
        "",
        "## " + w.gettext("Prompts nobody answered"),
        "",
    ]
    if not unanswered:
        lines.append(w.gettext("Every prompt the group was asked got at least one response."))
    for u in unanswered:
        where = f"{u.reading}/{u.section}" if u.section else u.reading
        lines.append(
            "- "
            + w.gettext(
                "session {number} ({where}): {prompt}",
                number=u.session,
                where=where,
                prompt=u.prompt,
            )
        )
    lines += [
        "",
        w.gettext("Consider rewording or replacing them in the reading before you approve."),
        "",
    ]
    return "\n".join(lines)


def approve(folder: Path) -> tuple[Pack, str]:
    """The admin's yes: check the proposal, remove `HARVEST.md` and write the MANIFEST.
    Returns the pack and the manifest's sha256."""
    if not is_proposal(folder):
        raise Refused(
            N_(
                "{folder} is not a harvest waiting for approval (it has no {proposal}); make "
                "one with `studybot pack harvest`"
            ),
            folder=str(folder),
            proposal=PROPOSAL,
        )
    try:
        pack = load_pack(folder)
    except PackError as exc:
        raise Refused(
            N_("the harvest does not check: {problem}"), problem=exc.problems[0]
        ) from None
    blocking = publish_problems(pack)
    if blocking:
        raise Refused(N_("the harvest cannot be approved yet: {problem}"), problem=blocking[0].said)
    (folder / PROPOSAL).unlink()
    (folder / MANIFEST).unlink(missing_ok=True)
    return load_pack(folder), write_manifest(folder)


def remove_lessons(folder: Path, ids: Iterable[str]) -> int:
    """Take the lessons with these ids out of a proposal's pack.yaml (forget-me); returns
    how many went. A folder that is gone or no longer a proposal is left alone."""
    wanted = set(ids)
    path = folder / PACK_FILE
    if not is_proposal(folder) or not path.is_file():
        return 0
    try:
        doc = load_yaml_file(path)
    except YamlError:
        return 0
    data = doc.data if isinstance(doc.data, dict) else {}
    lessons = data.get("lessons")
    if not isinstance(lessons, list):
        return 0
    kept = [x for x in lessons if not (isinstance(x, dict) and x.get("id") in wanted)]
    if len(kept) == len(lessons):
        return 0
    path.write_text(set_keys(path.read_text(encoding="utf-8"), {"lessons": kept}), encoding="utf-8")
    return len(lessons) - len(kept)


async def forget_harvested_words(storage: Storage, member_id: int, keys: Sequence[str]) -> int:
    """Take a member's words out of every harvest not yet approved (forget-me); returns how
    many lessons went."""
    removed = 0
    for pending in await storage.pending_lessons_of(member_id, keys):
        removed += remove_lessons(Path(pending.folder), pending.lessons)
    await storage.forget_harvested(member_id, keys)
    return removed
