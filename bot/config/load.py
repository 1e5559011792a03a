"""Reading a config file: parse, validate, resolve, and report every problem together."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from pydantic import ValidationError

from bot.config.checks import resolve_groups
from bot.config.courses import PackShelf
from bot.config.model import Config
from bot.config.schema import ConfigSpec
from bot.core.heap import long_lived_build
from bot.core.i18n import N_
from bot.core.said import said
from bot.documents.problems import Problem, problems_from_validation
from bot.documents.yamlsource import YamlError, load_yaml_file
from bot.packs.store import PackStore
from bot.readings.model import load_readings

log = logging.getLogger(__name__)


class ConfigError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(p.render() for p in problems))


def packs_dir(data_dir: Path) -> Path:
    """Where the packs a config's groups may run are installed."""
    return data_dir / "packs"


def _data_dir(base: Path, configured: str | None, storage: str) -> Path:
    if configured:
        return (base / configured).resolve()
    if "://" in storage or storage in (":memory:", ""):
        return (base / "data").resolve()
    return Path(storage).parent


def data_dir_of(path: Path) -> Path:
    """The data directory the config at `path` names, read without checking the rest of it
    (so packs can be installed before the groups that run them are valid)."""
    try:
        data = load_yaml_file(path).data
    except YamlError:
        data = None
    values = data if isinstance(data, dict) else {}
    configured = values.get("data_dir")
    storage = values.get("storage", "data/studybot.db")
    if values.get("storage_env"):
        storage = os.environ.get(str(values["storage_env"]), "").strip()
    base = path.parent
    storage = _located_storage(base, str(storage))
    return _data_dir(base, str(configured) if configured else None, storage)


def _located_storage(base: Path, storage: str) -> str:
    """A file location made absolute against the config's folder; URLs stay as they are."""
    if "://" not in storage and storage not in (":memory:", ""):
        return str((base / storage).resolve())
    if storage.startswith("sqlite:///"):
        return str((base / storage.removeprefix("sqlite:///")).resolve())
    return storage


def load_config(path: Path) -> Config:
    """Read, validate and resolve a config file; raise ConfigError listing every problem."""
    # Without the collector rescanning the growing heap: 100,000 groups load in 7 s, not 12.
    with long_lived_build():
        return _load_config(path)


def _load_config(path: Path) -> Config:
    try:
        return _read_config(path)
    except ConfigError:
        raise
    except Exception as exc:  # a file the admin wrote must never crash the bot
        # a value no check foresaw: still a problem of this file, said in a sentence
        log.warning("reading %s failed unexpectedly", path, exc_info=True)
        raise ConfigError(
            [
                Problem(
                    str(path),
                    None,
                    None,
                    said(
                        N_("the config could not be read ({why}); check the values edited last"),
                        why=f"{type(exc).__name__}: {str(exc)[:200]}",
                    ),
                )
            ]
        ) from None


def _read_config(path: Path) -> Config:
    try:
        doc = load_yaml_file(path)
    except YamlError as exc:
        raise ConfigError(
            [Problem(e.file, e.line, e.column, e.said) for e in (exc, *exc.others)]
        ) from None
    data = doc.data if doc.data is not None else {}
    if not isinstance(data, dict):
        raise ConfigError(
            [Problem(str(path), 1, 1, said(N_("the config must be a mapping of keys to values")))]
        )
    try:
        spec = ConfigSpec.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(problems_from_validation(exc, doc, ConfigSpec)) from None
    base = path.parent
    readings_dir = (base / spec.readings_dir).resolve()
    readings, problems = load_readings(readings_dir)
    storage = spec.storage
    if spec.storage_env is not None:
        storage = os.environ.get(spec.storage_env, "").strip()
        if not storage:
            sl, sc = doc.locate(("storage_env",)) or (None, None)
            problems.append(
                Problem(
                    str(path),
                    sl,
                    sc,
                    said(
                        N_(
                            "the environment variable {name} (storage_env) is not set; export "
                            "it with the storage location, e.g. postgresql://USER:PASSWORD@HOST/DB"
                        ),
                        name=spec.storage_env,
                    ),
                )
            )
    storage = _located_storage(base, storage)
    data_dir = _data_dir(base, spec.data_dir, storage)
    shelf = PackShelf(PackStore(packs_dir(data_dir)))
    groups = resolve_groups(spec, doc, path, readings, readings_dir, problems, shelf)
    if problems:
        raise ConfigError(problems)
    return Config(
        path=path,
        spec=spec,
        storage=storage,
        readings_dir=readings_dir,
        data_dir=data_dir,
        groups=tuple(groups),
        readings=readings,
    )
