"""Signing a pack's MANIFEST with an SSH key, and checking who signed it (`ssh-keygen -Y`).

Admins already have SSH keys; an `allowed_signers` file (the format `git` uses for signed
commits) says whose signatures a group trusts.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from bot.packs.files import MANIFEST, SIGNATURE, Refused

NAMESPACE = "studybot-pack"
_TIMEOUT = 30


def _ssh_keygen() -> str:
    found = shutil.which("ssh-keygen")
    if found is None:
        raise Refused("ssh-keygen is not installed, so signatures cannot be made or checked")
    return found


def sign_manifest(folder: Path, key: Path) -> Path:
    """Write `folder/MANIFEST.sig`, signed with the private key at `key`."""
    if not key.is_file():
        raise Refused(f"there is no key at {key}")
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
        raise Refused(f"ssh-keygen could not sign the pack with {key}: {_first_line(done.stderr)}")
    return signature


def verify_signature(folder: Path, allowed_signers: Path) -> str:
    """The identity (from `allowed_signers`) whose key signed the pack's MANIFEST, or Refused."""
    signature = folder / SIGNATURE
    if not allowed_signers.is_file():
        raise Refused(f"there is no allowed signers file at {allowed_signers}; nothing installed")
    if not signature.is_file():
        raise Refused("the pack is not signed (it has no MANIFEST.sig); nothing installed")
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
            f"the pack's signature is not from any key in {allowed_signers}; nothing installed"
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
            f"the pack's signature does not match its MANIFEST (signed by {principals[0]}, "
            "then changed?); nothing installed"
        )
    return principals[0]


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "no reason given")
