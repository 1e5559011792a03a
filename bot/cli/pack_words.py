"""What `studybot pack ...` prints, in the language of `--lang` or the environment (see
`cli_words.cli_words`): one function per sentence, counts through ngettext."""

from __future__ import annotations

from bot.core.i18n import Words


def problems_in(w: Words, count: int, what: str) -> str:
    return w.ngettext("{n} problem in {what}:", "{n} problems in {what}:", count, what=what)


def started(w: Words, folder: str, path: str) -> str:
    return w.gettext(
        "A new pack is in {folder}: edit {path} and the reading in it, then "
        "`studybot pack check {folder}`.",
        folder=folder,
        path=path,
    )


def valid(w: Words, ref: str, readings: int, sections: int, notes: int, lessons: int) -> str:
    return w.gettext(
        "{ref} is valid: {readings}, {sections}, {notes}, {lessons}.",
        ref=ref,
        readings=w.ngettext("{n} reading", "{n} readings", readings),
        sections=w.ngettext("{n} section", "{n} sections", sections),
        notes=w.ngettext("{n} facilitator note", "{n} facilitator notes", notes),
        lessons=w.ngettext("{n} lesson", "{n} lessons", lessons),
    )


def before_build(w: Words, problem: str) -> str:
    return w.gettext("Before you build it: {problem}.", problem=problem)


def notes_untranslated(w: Words, code: str, notes: list[str]) -> str:
    return w.ngettext(
        "{n} facilitator note has no {code} text yet ({notes}); admins reading {code} get it "
        "in English.",
        "{n} facilitator notes have no {code} text yet ({notes}); admins reading {code} get "
        "those in English.",
        len(notes),
        code=code,
        notes=", ".join(notes),
    )


def waiting_for_approval(w: Words, proposal: str, folder: str) -> str:
    return w.gettext(
        "It is a harvest waiting for approval: read {proposal}, then "
        "`studybot pack approve {folder}`.",
        proposal=proposal,
        folder=folder,
    )


def not_approved_yet(w: Words, folder: str, proposal: str) -> str:
    return w.gettext(
        "{folder} is a harvest not yet approved; nothing was built. Read {proposal}, then "
        "`studybot pack approve {folder}`.",
        folder=folder,
        proposal=proposal,
    )


def not_a_tarball(w: Words, target: str) -> str:
    return w.gettext("{target} should end in .tar.gz; nothing was built.", target=target)


def not_written(w: Words, target: str, problem: str) -> str:
    return w.gettext("Could not write {target}: {problem}.", target=target, problem=problem)


def built(w: Words, ref: str, target: str, sha: str, signed: bool) -> str:
    if signed:
        return w.gettext(
            "Built {ref} into {target}, signed; MANIFEST sha256 {sha}.",
            ref=ref,
            target=target,
            sha=sha,
        )
    return w.gettext(
        "Built {ref} into {target}; MANIFEST sha256 {sha}.", ref=ref, target=target, sha=sha
    )


def already_installed(w: Words, ref: str, signer: str | None) -> str:
    if signer:
        return w.gettext(
            "{ref} is already installed, the same to the byte, signed by {signer}.",
            ref=ref,
            signer=signer,
        )
    return w.gettext("{ref} is already installed, the same to the byte.", ref=ref)


def installed(w: Words, ref: str, title: str, sha: str, signer: str | None) -> str:
    if signer:
        return w.gettext(
            "Installed {ref} ({title}), signed by {signer}: every file matches its checksum "
            "(MANIFEST sha256 {sha}). A group runs it with `curriculum: {ref}`.",
            ref=ref,
            title=title,
            sha=sha,
            signer=signer,
        )
    return w.gettext(
        "Installed {ref} ({title}): every file matches its checksum (MANIFEST sha256 {sha}). "
        "A group runs it with `curriculum: {ref}`.",
        ref=ref,
        title=title,
        sha=sha,
    )


def forked(w: Words, parent: str, target: str, ref: str, path: str) -> str:
    return w.gettext(
        "Forked {parent} into {target} as {ref}; edit {path}, then "
        "`studybot pack build {target} --out FILE`.",
        parent=parent,
        target=target,
        ref=ref,
        path=path,
    )


def none_installed(w: Words, root: str) -> str:
    return w.gettext("No packs are installed in {root}.", root=root)


def unreadable(w: Words, ref: str) -> str:
    return w.gettext("{ref}  (cannot be read; install it again)", ref=ref)


def listed(
    w: Words, ref: str, title: str, languages: list[str], licence: str | None, parent: str | None
) -> str:
    values = {
        "ref": ref,
        "title": title,
        "languages": ", ".join(languages),
        "licence": licence or w.gettext("no licence"),
    }
    if parent:
        return w.gettext(
            "{ref}  {title} [{languages}; {licence}, forked from {parent}]",
            parent=parent,
            **values,
        )
    return w.gettext("{ref}  {title} [{languages}; {licence}]", **values)


def same_course(w: Words, old: str, new: str) -> str:
    return w.gettext("{old} and {new} hold the same course.", old=old, new=new)


def changes_from(w: Words, old: str, new: str) -> str:
    return w.gettext("From {old} to {new}:", old=old, new=new)


def proposed(w: Words, ref: str, target: str, added: int, unanswered: int, report: str) -> str:
    return w.gettext(
        "Proposed {ref} in {target}: {lessons}, {prompts} (see {report}). Edit it, then "
        "`studybot pack approve {target}`.",
        ref=ref,
        target=target,
        lessons=w.ngettext(
            "{n} lesson shared beyond the group", "{n} lessons shared beyond the group", added
        ),
        prompts=w.ngettext("{n} prompt nobody answered", "{n} prompts nobody answered", unanswered),
        report=report,
    )


def not_proposed_here(w: Words, folder: str) -> str:
    return w.gettext(
        "{folder} is not a harvest this bot proposed (or it was approved already); nothing was "
        "approved.",
        folder=folder,
    )


def approved(w: Words, ref: str, lessons: int, sha: str, folder: str) -> str:
    return w.gettext(
        "Approved {ref} with {lessons}; MANIFEST sha256 {sha}. Build it with "
        "`studybot pack build {folder} --out FILE` (add --sign-with KEY).",
        ref=ref,
        lessons=w.ngettext("{n} lesson", "{n} lessons", lessons),
        sha=sha,
        folder=folder,
    )
