"""Everything the bot says about passages, in one place, in the reader's words (`Words`)."""

from __future__ import annotations

from bot.core.i18n import Words
from bot.core.markdown import blocks, bullets
from bot.core.text import quote


def no_session(w: Words) -> str:
    return w.gettext("No session is open right now, so there is no passage to quote yet.")


def expired(w: Words) -> str:
    return w.gettext("That session's discussion has expired and was removed; nothing was saved.")


def no_words(w: Words) -> str:
    return w.gettext(
        'Put a few words of the passage in quotes, then your comment: `quote "the words" what '
        "you think`."
    )


def archive_text_title(w: Words) -> str:
    return w.gettext("The text, with the group's notes")


def orphaned_title(w: Words) -> str:
    return w.gettext("Notes on words an edit of the reading took away")


def no_session_yet(w: Words) -> str:
    return w.gettext("There is no session yet.")


def closed(w: Words) -> str:
    return w.gettext(
        "That session is closed, and this group does not take late words; nothing was saved."
    )


def empty_comment(w: Words) -> str:
    return w.gettext("Say something about the passage after the quoted words; nothing was saved.")


def anonymous_author(w: Words) -> str:
    return w.gettext("Someone")


def anonymous_note(w: Words) -> str:
    return w.gettext(
        "Your command message itself still shows your name on the platform; you may delete it. "
        "In a direct message to the bot, `quote` keeps you unseen."
    )


def passages_none(w: Words, number: int) -> str:
    return w.gettext(
        'Nobody has quoted a passage in session {number} yet. Try `quote "a few words" your '
        "thoughts`.",
        number=number,
    )


def passages_hidden(w: Words) -> str:
    return w.gettext(
        "_Respond to a prompt or quote a passage yourself; then you can read what the others said._"
    )


def too_long(w: Words, length: int, limit: int) -> str:
    return w.gettext(
        "Your comment is {length} characters; the limit is {limit}. Nothing was saved: please "
        "shorten it.",
        length=w.number(length),
        limit=w.number(limit),
    )


def no_match(w: Words, words: str) -> str:
    return w.gettext(
        "No sentence of this session's text has the words “{shown}”. Check the spelling, or use "
        "fewer words (on Discord, pick the sentence from the list).",
        shown=quote(words, 80),
    )


def several(w: Words, numbers_and_texts: list[tuple[int, str]]) -> str:
    return blocks(
        w.gettext("Those words are in several sentences. Which one did you mean?"),
        bullets(f"`#{n}` {quote(text, 140)}" for n, text in numbers_and_texts),
        w.gettext("Say it again with the number: `quote #N your comment`."),
    )


def saved(
    w: Words, number: int, private: bool, anonymous: bool, late: bool, joined: str | None
) -> str:
    if private:
        parts = [
            w.gettext(
                "Saved your note {number} on that passage (private: only you can see it).",
                number=number,
            )
        ]
    else:
        parts = [
            w.gettext(
                "Saved your note {number} on that passage (shared: it is posted in the "
                "session's thread, where others can reply).",
                number=number,
            )
        ]
    if anonymous:
        parts.append(w.gettext("It is stored without your name."))
    if late:
        parts.append(w.gettext("The session had closed, so it is marked late."))
    if joined:
        parts.append(w.gettext("You are now a member of {group}.", group=joined))
    parts.append(
        w.gettext(
            "`quote-edit {number} new words` changes it; `quote-delete {number}` removes it.",
            number=number,
        )
    )
    return " ".join(parts)


def quotation_title(w: Words, number: int) -> str:
    return w.gettext("A passage of session {number}", number=number)


def quotation(w: Words, passage: str, author: str, comment: str) -> str:
    quoted = "\n".join(f"> {line}" for line in quote(passage, 1000).splitlines() or [""])
    said = w.gettext(
        "**{author}** on this passage: {comment}", author=author, comment=quote(comment, 1500)
    )
    hint = w.gettext("_Reply to this message to discuss the passage._")
    return f"{quoted}\n\n{said}\n\n{hint}"


def reply_saved(w: Words) -> str:
    return w.gettext("Added your reply to the discussion of that passage.")


def not_yours(w: Words, number: int) -> str:
    return w.gettext(
        "You have no note {number}. `mine` lists your notes in this session.", number=number
    )


def edited(w: Words, number: int) -> str:
    return w.gettext("Changed your note {number}.", number=number)


def deleted(w: Words, number: int) -> str:
    return w.gettext("Deleted your note {number} and its replies.", number=number)


def passages_title(w: Words, number: int) -> str:
    return w.gettext("**Most-discussed passages in session {number}**", number=number)


def count_line(w: Words, notes: int, replies: int) -> str:
    counts = [w.ngettext("{n} note", "{n} notes", notes)]
    if replies:
        counts.append(w.ngettext("{n} reply", "{n} replies", replies))
    return ", ".join(counts)


def digest_title(w: Words) -> str:
    return w.gettext("Most-discussed passages:")


def mine_title(w: Words, number: int) -> str:
    return w.gettext("**Your notes on passages in session {number}**", number=number)


def note_line(w: Words, number: int, tags: str, exact: str, text: str) -> str:
    head = w.gettext(
        "**Note {number}**{tags} on “{exact}”", number=number, tags=tags, exact=quote(exact, 120)
    )
    return f"{head}\n{text}"


def private_tag(w: Words) -> str:
    return w.gettext("(private)")


def orphaned_tag(w: Words) -> str:
    return w.gettext("(its words left the reading)")


def anonymous(w: Words) -> str:
    return w.gettext("anonymous")
