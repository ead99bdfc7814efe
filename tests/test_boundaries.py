"""The layers stay apart: the domain in bot/ never imports Telegram (only the command line starts
the bot), the scheduler uses only the presentation package of handlers/, and no handler or view
touches SQL or the ORM at run time (they ask the services)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ENTRY_POINTS = ("cli.py", "__main__.py")


def _modules(package: str) -> list[Path]:
    return sorted(p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts)


def _runtime_imports(path: Path) -> set[str]:
    """Every module the file imports when it runs (imports under `if TYPE_CHECKING:` left out)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip |= {id(n) for child in node.body for n in ast.walk(child)}
    package = ".".join(path.relative_to(ROOT).parts[:-1])
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against the file's own package
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([node.module] if node.module else [])])
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}  # `from bot import models`
    return found


def _top(name: str) -> str:
    return name.split(".")[0]


@pytest.mark.parametrize("path", _modules("bot"), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_domain_never_imports_telegram(path: Path) -> None:
    if path.name in ENTRY_POINTS:
        return  # the command line starts the bot (lazily, in `run`)
    bad = {m for m in _runtime_imports(path) if _top(m) in ("telegram", "handlers", "scheduler")}
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


@pytest.mark.parametrize("path", _modules("scheduler"), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_scheduler_uses_only_the_views_of_handlers(path: Path) -> None:
    bad = {m for m in _runtime_imports(path) if _top(m) == "handlers" and not m.startswith("handlers.views")}
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


@pytest.mark.parametrize("path", _modules("handlers"), ids=lambda p: str(p.relative_to(ROOT)))
def test_handlers_and_views_hold_no_sql_and_no_orm(path: Path) -> None:
    bad = {m for m in _runtime_imports(path) if _top(m) == "sqlalchemy" or m == "bot.models"}
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


@pytest.mark.parametrize("path", _modules("handlers/views"), ids=lambda p: str(p.relative_to(ROOT)))
def test_views_import_no_handler(path: Path) -> None:
    bad = {
        m
        for m in _runtime_imports(path)
        if (_top(m) == "handlers" and not m.startswith("handlers.views")) or _top(m) == "scheduler"
    }
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def _loaded_after(code: str) -> list[str]:
    probe = f"{code}\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120
    )
    return result.stdout.split()


def test_loading_every_domain_module_loads_no_telegram() -> None:
    names = [
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for p in _modules("bot")
        if p.name not in ENTRY_POINTS
    ]
    loaded = _loaded_after("\n".join(f"import {n}" for n in names))
    assert set(names) <= set(loaded)  # the probe did import them
    assert not [m for m in loaded if _top(m) in ("telegram", "handlers", "scheduler")]


def test_loading_the_scheduler_loads_no_handler() -> None:
    loaded = _loaded_after("import scheduler.dispatcher")
    handlers = [
        m for m in loaded if _top(m) == "handlers" and m != "handlers" and not m.startswith("handlers.views")
    ]
    assert "handlers.views.reminders" in loaded and not handlers, handlers
