"""What `library build` prints, in the language of `--lang` or the environment (see
`cli_words`): one small function per sentence, so a translator sees each one whole."""

from __future__ import annotations

from bot.core.i18n import Words


def no_folder(w: Words, path: str) -> str:
    return w.gettext("There is no folder {path}; give the folder that holds the packs.", path=path)


def not_written(w: Words, folder: str, problem: str) -> str:
    return w.gettext(
        "Could not write the library into {folder}: {problem}.", folder=folder, problem=problem
    )


def left_out(w: Words, folder: str, why: str) -> str:
    return w.gettext("Left out {folder}: {why}", folder=folder, why=why)


def built(w: Words, packs: int, folder: str, replaced: bool) -> str:
    if replaced:
        return w.ngettext(
            "Library of {n} pack in {folder} (replaced the earlier one; open index.html).",
            "Library of {n} packs in {folder} (replaced the earlier one; open index.html).",
            packs,
            folder=folder,
        )
    return w.ngettext(
        "Library of {n} pack in {folder} (open index.html).",
        "Library of {n} packs in {folder} (open index.html).",
        packs,
        folder=folder,
    )
