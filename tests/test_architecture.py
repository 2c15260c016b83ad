"""The floors of the house, read from the code itself (the AST of every module, imports inside
functions included), so a new import that runs back up fails here before anyone reads it.

    common/  ←  regions  ←  accounts  ←  clusters  ←  funding  ←  the apps above
    (ground)                (staff                                 (imports, opendata,
                             profiles)                               extraction, history,
                                                                     overview)

`common/` imports no app of the registry. Below the top floor, the modules that hold the
rules — models, querysets, services, the gate, everything but the doors — import no app above
their own. Doors (views, admin, API, filters, template tags, commands, Celery tasks) may read
across, as DESIGN.md says. See docs/ARCHITECTURE.md.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FLOOR = {"regions": 0, "accounts": 1, "clusters": 2, "funding": 3}
ABOVE = {"imports", "opendata", "extraction", "history", "overview"}
APPS = set(FLOOR) | ABOVE
# Parts of a module path that make it a door (or a migration, or the app's wiring).
DOORS = ("admin", "views", "api", "urls", "filtersets", "templatetags", "management", "tasks")
DOORS += ("migrations", "apps", "forms", "widgets")


def floor(app: str) -> int:
    return FLOOR.get(app, len(FLOOR))


def imported_apps(path: Path) -> list[tuple[int, str]]:
    """(line, top package) of every absolute import in `path` of an app of the registry."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [(node.lineno, n.split(".")[0]) for n in names if n.split(".")[0] in APPS]
    return found


def is_door(path: Path, app: str) -> bool:
    parts = path.relative_to(ROOT / app).with_suffix("").parts
    return any(p.startswith(DOORS) or p.endswith("_admin") for p in parts)


def test_common_imports_no_app():
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {app}"
        for path in sorted((ROOT / "common").rglob("*.py"))
        for line, app in imported_apps(path)
    ]
    assert wrong == []


@pytest.mark.parametrize("app", sorted(FLOOR))
def test_rules_import_no_app_above(app):
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {other}"
        for path in sorted((ROOT / app).rglob("*.py"))
        if not is_door(path, app)
        for line, other in imported_apps(path)
        if floor(other) > FLOOR[app]
    ]
    assert wrong == []


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    """The walk finds the imports the floors forbid wherever they are written."""
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from funding.models import FundingLine\n    import imports\n")
    assert imported_apps(module) == [(2, "funding"), (3, "imports")]


def _modules():
    for app in sorted(APPS | {"common", "config"}):
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_role_and_permission_names_are_written_once():
    """The gate, the roles and the throttle share common/access.py's names; none of them
    writes a name of its own that could drift from it."""
    from common import access

    names = {v for k, v in vars(access).items() if k.isupper() and isinstance(v, str)}
    wrong = [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r}"
        for path in _modules()
        if path != ROOT / "common" / "access.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and node.value in names
    ]
    assert wrong == []


def test_every_permission_the_gate_asks_about_is_granted_by_a_role():
    from accounts.roles import role_permissions
    from common import access

    granted = {perm for perms in role_permissions().values() for perm in perms}
    assert {access.VIEW_DRAFT, access.PUBLISH, access.EDIT_ALL_REGIONS} <= granted
    assert access.CHANGE_FEED in granted


def test_a_permission_is_tested_in_one_place():
    """«Active and holds the permission» is common/access.holds: nothing else calls has_perm."""
    wrong = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in _modules()
        if path != ROOT / "common" / "access.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute) and node.attr == "has_perm"
    ]
    assert wrong == []


def test_the_totals_read_publication_through_the_gate():
    """The totals' «published only» is the gate's public rule, never a filter of their own."""
    wrong = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in sorted((ROOT / "funding" / "services").rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"filter", "exclude"}
        and any(k.arg and k.arg.split("__")[-1] == "is_published" for k in node.keywords)
    ]
    assert wrong == []
