"""Anonymous responses: the database holds a keyed hash, never the author; the key lives outside it."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from bot.core.events import MemberRef

KEY_ENV = "STUDYBOT_ANONYMITY_KEY"
KEY_FILE = "anonymity.key"


def load_key(data_dir: Path) -> bytes:
    """The secret from $STUDYBOT_ANONYMITY_KEY, or from DATA_DIR/anonymity.key (created, mode 0600).

    Keep it apart from database backups: with the database alone, nobody can tell who
    wrote an anonymous response; with the key too, a member's own hash can be recomputed.
    """
    from_env = os.environ.get(KEY_ENV)
    if from_env:
        return from_env.encode("utf-8")
    path = data_dir / KEY_FILE
    if path.exists():
        return path.read_bytes().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32).encode("ascii")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key)
    return key


def member_key(member_id: int) -> str:
    """The author key of a response with a known author."""
    return f"m:{member_id}"


def anonymous_key(secret: bytes, member: MemberRef, session_id: int, prompt: int) -> str:
    """The author key of an anonymous response: unlinkable across prompts without the secret."""
    message = f"{member.platform}\x00{member.user_id}\x00{session_id}\x00{prompt}".encode()
    return "a:" + hmac.new(secret, message, hashlib.sha256).hexdigest()


def annotation_key(secret: bytes, member: MemberRef, session_id: int) -> str:
    """The author key of a member's anonymous annotations and replies in one session: the
    same for all of them (so the author can edit and delete them), different per session."""
    message = f"{member.platform}\x00{member.user_id}\x00{session_id}\x00passages".encode()
    return "a:" + hmac.new(secret, message, hashlib.sha256).hexdigest()
