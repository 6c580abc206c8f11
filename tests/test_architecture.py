"""The lines the code must not cross, checked on its imports."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(package: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (ROOT / package).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


def offenders(package: str, forbidden: set[str]) -> list[str]:
    return sorted(
        f"{path} imports {sorted(names & forbidden)}"
        for path, names in imported_modules(package).items()
        if names & forbidden
    )


def test_the_simulator_knows_nothing_of_shelfmark():
    shelfmark = {"config", "shops", "inventory", "marketplace", "uploads"}
    assert offenders("simulator", shelfmark) == []


def test_shelfmark_reaches_the_simulator_only_over_http():
    for package in ("config", "shops", "inventory", "marketplace", "uploads"):
        assert offenders(package, {"simulator"}) == [], package


def test_shops_and_inventory_do_not_depend_on_later_layers():
    assert offenders("shops", {"inventory", "marketplace", "uploads"}) == []
    assert offenders("inventory", {"marketplace", "uploads"}) == []


def test_feed_builders_make_no_http_calls_and_start_no_tasks():
    forbidden = {"requests", "celery", "urllib3", "httpx"}
    assert offenders("marketplace/feeds", forbidden) == []
