"""Start a throwaway Synapse homeserver on loopback, for the tests and the benchmark."""

from __future__ import annotations

import atexit
import hashlib
import hmac
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SERVER_NAME = "localhost"
_RELAXED = {"per_second": 1000, "burst_count": 10000}
_RATE_LIMITS = (
    "rc_message",
    "rc_registration",
    "rc_joins_per_room",
    "rc_3pid_validation",
    "rc_invites",
    "rc_third_party_invite",
    "rc_media_create",
    "rc_key_requests",
    "rc_room_creation",
    "rc_reports",
    "rc_presence",
    "rc_delayed_event_mgmt",
)


@dataclass(frozen=True, slots=True)
class Account:
    user_id: str
    password: str
    access_token: str
    device_id: str


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _config(root: Path, port: int, secret: str) -> dict[str, Any]:
    config: dict[str, Any] = {
        "server_name": SERVER_NAME,
        "public_baseurl": f"http://127.0.0.1:{port}/",
        "pid_file": str(root / "homeserver.pid"),
        "listeners": [
            {
                "port": port,
                "bind_addresses": ["127.0.0.1"],
                "type": "http",
                "tls": False,
                "x_forwarded": False,
                "resources": [{"names": ["client"], "compress": False}],
            }
        ],
        "database": {"name": "sqlite3", "args": {"database": str(root / "homeserver.db")}},
        "log_config": str(root / "log.yaml"),
        "media_store_path": str(root / "media"),
        "signing_key_path": str(root / "signing.key"),
        "registration_shared_secret": secret,
        "macaroon_secret_key": secret + "-macaroon",
        "form_secret": secret + "-form",
        "enable_registration": False,
        "report_stats": False,
        "trusted_key_servers": [],
        "suppress_key_server_warning": True,
        "federation_domain_whitelist": [],
        "url_preview_enabled": False,
        "presence": {"enabled": False},
        "bcrypt_rounds": 4,
        "enable_metrics": False,
        "rc_login": {"address": _RELAXED, "account": _RELAXED, "failed_attempts": _RELAXED},
        "rc_joins": {"local": _RELAXED, "remote": _RELAXED},
        "rc_admin_redaction": _RELAXED,
    }
    for name in _RATE_LIMITS:
        config[name] = dict(_RELAXED)
    return config


_LOG_CONFIG = """\
version: 1
formatters:
  plain: {format: '%(asctime)s %(name)s %(levelname)s %(message)s'}
handlers:
  file: {class: logging.FileHandler, formatter: plain, filename: LOGFILE}
root: {level: WARNING, handlers: [file]}
disable_existing_loggers: false
"""


def _write_signing_key(path: Path) -> None:
    # signedjson ships with Synapse; writing the key ourselves skips a separate --generate-keys run
    from signedjson.key import generate_signing_key, write_signing_keys

    with path.open("w") as handle:
        write_signing_keys(handle, [generate_signing_key("a_test")])


class Synapse:
    """One Synapse process on 127.0.0.1 with its files in a temporary folder."""

    def __init__(self, root: Path | None = None, port: int | None = None) -> None:
        self.root = root or Path(tempfile.mkdtemp(prefix="studybot-synapse-"))
        self._own_root = root is None
        self._auto_port = port is None
        self.port = port or free_port()
        self.secret = hashlib.sha256(os.urandom(16)).hexdigest()
        self._process: subprocess.Popen[bytes] | None = None
        self._admin: Account | None = None
        self._counter = 0
        atexit.register(self.close)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _write_files(self) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "media").mkdir(exist_ok=True)
        config_path = self.root / "homeserver.yaml"
        if not config_path.exists():
            _write_signing_key(self.root / "signing.key")
            (self.root / "log.yaml").write_text(
                _LOG_CONFIG.replace("LOGFILE", str(self.root / "homeserver.log"))
            )
            # JSON is valid YAML, and needs no YAML library here
            config_path.write_text(json.dumps(_config(self.root, self.port, self.secret), indent=1))
        return config_path

    def start(self, timeout: float = 60.0) -> None:
        """Start the server and return once it answers `/_matrix/client/versions`."""
        if self._process is not None and self._process.poll() is None:
            return
        first_start = not (self.root / "homeserver.yaml").exists()
        for attempt in range(3):
            if self._launch(timeout):
                return
            if not (first_start and self._auto_port) or attempt == 2:
                break
            # another process took the free port first: pick a new one and write a new config
            self.port = free_port()
            (self.root / "homeserver.yaml").unlink()
        raise RuntimeError(f"Synapse did not start; see {self.root / 'stdout.log'}")

    def _launch(self, timeout: float) -> bool:
        config_path = self._write_files()
        output = (self.root / "stdout.log").open("ab")
        process = subprocess.Popen(
            [sys.executable, "-m", "synapse.app.homeserver", "-c", str(config_path)],
            stdout=output,
            stderr=subprocess.STDOUT,
            cwd=self.root,
            start_new_session=True,  # so a stop signals Synapse and nothing else
        )
        output.close()
        self._process = process
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"{self.url}/_matrix/client/versions", timeout=2):
                    pass
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.05)
                continue
            time.sleep(0.05)
            if process.poll() is None:  # it answered, and it is ours (not another on the port)
                return True
        self.stop()
        return False

    def stop(self) -> None:
        """Stop the server (files stay, so `start` brings the same homeserver back)."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        except ProcessLookupError:
            pass

    def close(self) -> None:
        """Stop the server and delete its files. Safe to call more than once."""
        self.stop()
        if self._own_root and self.root.exists():
            shutil.rmtree(self.root, ignore_errors=True)

    # --- HTTP helpers (loopback only) -------------------------------------------------

    def request(
        self, method: str, path: str, body: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(f"{self.url}{path}", data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                result: dict[str, Any] = json.loads(resp.read() or b"{}")
                return result
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace")
            raise RuntimeError(f"{method} {path}: {exc.code} {detail}") from None

    def register(self, localpart: str | None = None, *, admin: bool = False) -> Account:
        """Create a user through the shared-secret admin API and return its first login."""
        if localpart is None:
            self._counter += 1
            localpart = f"user{self._counter}-{os.urandom(3).hex()}"
        password = f"pw-{localpart}"
        nonce = self.request("GET", "/_synapse/admin/v1/register")["nonce"]
        message = b"\x00".join(
            [
                nonce.encode(),
                localpart.encode(),
                password.encode(),
                b"admin" if admin else b"notadmin",
            ]
        )
        mac = hmac.new(self.secret.encode(), message, hashlib.sha1).hexdigest()
        result = self.request(
            "POST",
            "/_synapse/admin/v1/register",
            {
                "nonce": nonce,
                "username": localpart,
                "password": password,
                "admin": admin,
                "mac": mac,
            },
        )
        return Account(
            user_id=result["user_id"],
            password=password,
            access_token=result["access_token"],
            device_id=result["device_id"],
        )

    @property
    def admin(self) -> Account:
        if self._admin is None:
            self._admin = self.register("synapse-admin", admin=True)
        return self._admin

    def override_ratelimit(self, user_id: str, per_second: int, burst: int) -> None:
        """Give one user a tight message rate limit (the admin API's per-user override)."""
        quoted = urllib.request.quote(user_id)
        self.request(
            "POST",
            f"/_synapse/admin/v1/users/{quoted}/override_ratelimit",
            {"messages_per_second": per_second, "burst_count": burst},
            token=self.admin.access_token,
        )
