"""Signing a pack's MANIFEST with an SSH key, and checking who signed it (`ssh-keygen -Y`).

Admins already have SSH keys; an `allowed_signers` file (the format `git` uses for signed
commits) says whose signatures a group trusts.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from bot.core.i18n import N_
from bot.packs.files import MANIFEST, SIGNATURE, Refused

NAMESPACE = "studybot-pack"
_TIMEOUT = 30


def _ssh_keygen() -> str:
    found = shutil.which("ssh-keygen")
    if found is None:
        raise Refused(N_("ssh-keygen is not installed, so signatures cannot be made or checked"))
    return found


def sign_manifest(folder: Path, key: Path) -> Path:
    """Write `folder/MANIFEST.sig`, signed with the private key at `key`."""
    if not key.is_file():
        raise Refused(N_("there is no key at {key}"), key=str(key))
    signature = folder / SIGNATURE
    signature.unlink(missing_ok=True)
    done = subprocess.run(
        [
            _ssh_keygen(),
            "-Y",
            "sign",
            "-q",
            "-f",
            str(key),
            "-n",
            NAMESPACE,
            str(folder / MANIFEST),
        ],
        capture_output=True,
        text=True,
        timeout=_TIMEOUT,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    if done.returncode != 0 or not signature.is_file():
        raise Refused(
            N_("ssh-keygen could not sign the pack with {key}: {problem}"),
            key=str(key),
            problem=_first_line(done.stderr),
        )
    return signature


def verify_signature(folder: Path, allowed_signers: Path) -> str:
    """The identity (from `allowed_signers`) whose key signed the pack's MANIFEST, or Refused."""
    signature = folder / SIGNATURE
    if not allowed_signers.is_file():
        raise Refused(
            N_("there is no allowed signers file at {path}; nothing installed"),
            path=str(allowed_signers),
        )
    if not signature.is_file():
        raise Refused(N_("the pack is not signed (it has no MANIFEST.sig); nothing installed"))
    keygen = _ssh_keygen()
    found = subprocess.run(
        [keygen, "-Y", "find-principals", "-s", str(signature), "-f", str(allowed_signers)],
        capture_output=True,
        text=True,
        timeout=_TIMEOUT,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    principals = found.stdout.split()
    if found.returncode != 0 or not principals:
        raise Refused(
            N_("the pack's signature is not from any key in {path}; nothing installed"),
            path=str(allowed_signers),
        )
    with (folder / MANIFEST).open("rb") as manifest:
        checked = subprocess.run(
            [
                keygen,
                "-Y",
                "verify",
                "-f",
                str(allowed_signers),
                "-I",
                principals[0],
                "-n",
                NAMESPACE,
                "-s",
                str(signature),
            ],
            stdin=manifest,
            capture_output=True,
            text=True,
            timeout=_TIMEOUT,
            check=False,
        )
    if checked.returncode != 0:
        raise Refused(
            N_(
                "the pack's signature does not match its MANIFEST (signed by {signer}, then "
                "changed?); nothing installed"
            ),
            signer=principals[0],
        )
    return principals[0]


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "no reason given")
