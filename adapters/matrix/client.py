"""Build the matrix-nio client and log it in, reusing the device kept in the data folder."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import nio
from nio.crypto import ENCRYPTION_ENABLED

from adapters.matrix.calls import RequestFailed, Retrier
from adapters.matrix.state import SessionState
from bot.config.platform_settings import MatrixSettings
from bot.core.i18n import N_
from bot.core.platform import AdapterError

log = logging.getLogger(__name__)

REQUEST_TIMEOUT_S = 30.0


def encryption_available(settings: MatrixSettings) -> bool:
    """E2E needs matrix-nio's `e2e` extra (vodozemac); plain rooms work without it."""
    return settings.encryption and ENCRYPTION_ENABLED


def build_client(settings: MatrixSettings, folder: Path, state: SessionState) -> nio.AsyncClient:
    store = folder / "crypto"
    store.mkdir(parents=True, exist_ok=True)
    store.chmod(0o700)  # the e2e keys: for the bot's eyes only
    e2e = encryption_available(settings)
    config = nio.AsyncClientConfig(
        max_limit_exceeded=0,  # 429s come back to us: see calls.Retrier
        max_timeouts=1,
        request_timeout=REQUEST_TIMEOUT_S,
        encryption_enabled=e2e,
        store_sync_tokens=False,  # the sync token lives in session.json, with or without e2e
        pickle_key=state.pickle_key,
    )
    if settings.encryption and not e2e:
        log.info("matrix-nio's e2e extra is not installed: encrypted rooms will not be readable")
    return nio.AsyncClient(
        settings.homeserver.rstrip("/"),
        user=settings.user_id,
        device_id=state.device_id or None,
        store_path=str(store),
        config=config,
    )


def _secret(name: str | None) -> str | None:
    if not name:
        return None
    value = os.environ.get(name)
    if not value:
        raise AdapterError.saying(
            N_("the environment variable {name} named in the Matrix settings is empty"), name=name
        )
    return value


async def _whoami(client: nio.AsyncClient, retrier: Retrier) -> nio.WhoamiResponse:
    response = await retrier.run("whoami", client.whoami)
    assert isinstance(response, nio.WhoamiResponse)
    return response


async def log_in(
    client: nio.AsyncClient, settings: MatrixSettings, state: SessionState, retrier: Retrier
) -> None:
    """Log in with the access token (preferred) or the password; record the device in `state`."""
    token = _secret(settings.access_token_env)
    password = None if token else _secret(settings.password_env)
    if token is None and password is None:
        raise AdapterError.saying(N_("Matrix settings need access_token_env or password_env"))
    if token is None and state.access_token:
        token = state.access_token  # from an earlier password login on this device
    if token is not None:
        client.access_token = token
        try:
            who = await _whoami(client, retrier)
        except RequestFailed as exc:
            if password is None or exc.errcode != "M_UNKNOWN_TOKEN":
                raise
            log.info("stored Matrix login expired; logging in with the password again")
            client.access_token = ""
            state.access_token = ""
        else:
            if who.device_id is None:
                raise AdapterError.saying(
                    N_("the Matrix access token has no device; create one per bot")
                )
            _check_user(settings, who.user_id)
            client.restore_login(who.user_id, who.device_id, token)
            _remember(state, who.user_id, who.device_id)
            return
    assert password is not None
    response = await retrier.run(
        "login", lambda: client.login(password=password, device_name=settings.device_name)
    )
    assert isinstance(response, nio.LoginResponse)
    _check_user(settings, response.user_id)
    _remember(state, response.user_id, response.device_id)
    state.access_token = response.access_token


def _check_user(settings: MatrixSettings, user_id: str) -> None:
    if user_id != settings.user_id:
        raise AdapterError.saying(
            N_("the Matrix login is {login}, but the settings say {user}"),
            login=user_id,
            user=settings.user_id,
        )


def _remember(state: SessionState, user_id: str, device_id: str) -> None:
    if state.device_id and state.device_id != device_id:
        log.warning("Matrix device changed from %s to %s; resends may not deduplicate",
                    state.device_id, device_id)  # fmt: skip
    if state.user_id and state.user_id != user_id:
        state.next_batch = ""
        state.direct_rooms.clear()
    state.user_id = user_id
    state.device_id = device_id
