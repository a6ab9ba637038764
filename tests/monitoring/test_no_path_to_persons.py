"""The monitoring package has no import path to persons, cases, assessments or meetings."""

from __future__ import annotations

import ast
from pathlib import Path

import app

APP = Path(app.__file__).parent
FORBIDDEN = ("app.cases", "app.assessments", "app.meetings", "app.demo")


def imports_of(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name.startswith("app")}


def module_path(name: str) -> Path | None:
    relative = Path(*name.split(".")[1:])
    for candidate in (APP / relative.with_suffix(".py"), APP / relative / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def reachable_from(start: str) -> dict[str, str]:
    """Every app module reachable from `start`, with the module that imported it."""
    seen, queue = {start: ""}, [start]
    while queue:
        name = queue.pop()
        path = module_path(name)
        if path is None:
            continue
        for imported in imports_of(path):
            if module_path(imported) and imported not in seen:
                seen[imported] = name
                queue.append(imported)
    return seen


def test_no_monitoring_module_reaches_person_data():
    for path in sorted((APP / "monitoring").glob("*.py")):
        start = f"app.monitoring.{path.stem}"
        for module, via in reachable_from(start).items():
            assert not module.startswith(FORBIDDEN), f"{start} reaches {module} via {via}"


def test_the_walk_would_notice_such_a_path():
    assert any(m.startswith("app.cases") for m in reachable_from("app.cases.monitoring_feed"))
