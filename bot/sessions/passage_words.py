"""Everything the bot says about passages, in one place (so it can be translated in one place)."""

from __future__ import annotations

from bot.core.markdown import blocks, bullets
from bot.core.text import quote

NO_SESSION = "No session is open right now, so there is no passage to quote yet."
NO_SESSION_YET = "There is no session yet."
CLOSED = "That session is closed, and this group does not take late words; nothing was saved."
EXPIRED = "That session's discussion has expired and was removed; nothing was saved."
EMPTY_COMMENT = "Say something about the passage after the quoted words; nothing was saved."
NO_WORDS = (
    'Put a few words of the passage in quotes, then your comment: `quote "the words" what you '
    "think`."
)
ARCHIVE_TEXT_TITLE = "The text, with the group's notes"
ORPHANED_TITLE = "Notes on words an edit of the reading took away"
REPLY_HINT = "Reply to this message to discuss the passage."
ANONYMOUS_AUTHOR = "Someone"
ANONYMOUS_NOTE = (
    " Your command message itself still shows your name on the platform; you may delete it. "
    "In a direct message to the bot, `quote` keeps you unseen."
)
PASSAGES_NONE = (
    'Nobody has quoted a passage in session {number} yet. Try `quote "a few words" your thoughts`.'
)
PASSAGES_HIDDEN = (
    "_Respond to a prompt or quote a passage yourself; then you can read what the others said._"
)


def too_long(length: int, limit: int) -> str:
    return (
        f"Your comment is {length:,} characters; the limit is {limit:,}. Nothing was saved: "
        "please shorten it."
    )


def no_match(words: str) -> str:
    shown = quote(words, 80)
    return (
        f"No sentence of this session's text has the words “{shown}”. Check the spelling, or "
        "use fewer words (on Discord, pick the sentence from the list)."
    )


def several(numbers_and_texts: list[tuple[int, str]]) -> str:
    return blocks(
        "Those words are in several sentences. Which one did you mean?",
        bullets(f"`#{n}` {quote(text, 140)}" for n, text in numbers_and_texts),
        "Say it again with the number: `quote #N your comment`.",
    )


def saved(number: int, private: bool, anonymous: bool, late: bool, joined: str | None) -> str:
    where = (
        "private: only you can see it"
        if private
        else "shared: it is posted in the session's thread, where others can reply"
    )
    parts = [f"Saved your note {number} on that passage ({where})."]
    if anonymous:
        parts.append("It is stored without your name.")
    if late:
        parts.append("The session had closed, so it is marked late.")
    if joined:
        parts.append(f"You are now a member of {joined}.")
    parts.append(f"`quote-edit {number} new words` changes it; `quote-delete {number}` removes it.")
    return " ".join(parts)


def quotation(passage: str, author: str, comment: str) -> str:
    quoted = "\n".join(f"> {line}" for line in quote(passage, 1000).splitlines() or [""])
    return f"{quoted}\n\n**{author}** on this passage: {quote(comment, 1500)}\n\n_{REPLY_HINT}_"


def reply_saved() -> str:
    return "Added your reply to the discussion of that passage."


def not_yours(number: int) -> str:
    return f"You have no note {number}. `mine` lists your notes in this session."


def edited(number: int) -> str:
    return f"Changed your note {number}."


def deleted(number: int) -> str:
    return f"Deleted your note {number} and its replies."


def passages_title(number: int) -> str:
    return f"**Most-discussed passages in session {number}**"


def count_line(notes: int, replies: int) -> str:
    words = [f"{notes} note{'s' if notes != 1 else ''}"]
    if replies:
        words.append(f"{replies} repl{'ies' if replies != 1 else 'y'}")
    return ", ".join(words)


def digest_title() -> str:
    return "Most-discussed passages:"


def mine_title(number: int) -> str:
    return f"**Your notes on passages in session {number}**"
