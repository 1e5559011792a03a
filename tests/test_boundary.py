"""The core stays platform-agnostic: nothing in bot/ imports discord or nio."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parent.parent / "bot"
FORBIDDEN = ("discord", "nio", "adapters")


def test_no_platform_imports_in_core_source() -> None:
    offenders = []
    for path in BOT.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                root = name.split(".")[0]
                # the demo and console wiring may import the console adapter lazily, never a network one
                if root in ("discord", "nio") or (
                    root == "adapters" and name not in ("adapters.console",)
                ):
                    offenders.append(f"{path.relative_to(BOT.parent)}: {name}")
    assert offenders == []


def test_importing_every_core_module_loads_no_platform_library() -> None:
    code = (
        "import importlib, pkgutil, sys, bot\n"
        "for m in pkgutil.walk_packages(bot.__path__, 'bot.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = [n for n in sys.modules if n.split('.')[0] in ('discord', 'nio')]\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_no_module_of_bot_imports_itself_back_through_others() -> None:
    """No import cycle anywhere in bot/, between packages or between modules of one package
    (`lint-imports` checks the layers; this finds any cycle they would let through)."""
    grimp = pytest.importorskip("grimp")
    graph = grimp.build_graph("bot")
    cycles = []
    for module in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(module):
            if graph.chain_exists(importer=imported, imported=module):
                cycles.append(f"{module} <-> {imported}")
    assert cycles == []
