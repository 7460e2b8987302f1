"""The dependency rule of ARCHITECTURE.md, read from the source: every import in an app points down the layers.

records -> assessments -> scheduling -> patients -> accounts: an app may import itself and the apps below it.
ims_clinic is the wiring and may import every app; no app imports ims_clinic (only tests and bench may).
"""

import ast
from pathlib import Path

import pytest

from tests.layers import APPS, LAYERS, OTHERS, ROOT, WIRING


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Each import in the file as (line, absolute dotted name), relative imports resolved."""
    module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.append((node.lineno, name))
    return found


def allowed(importer: str, imported: str) -> bool:
    if importer == WIRING or imported == importer:
        return True
    if imported == WIRING or imported in OTHERS:
        return False
    return LAYERS.index(imported) <= LAYERS.index(importer)


def violations(app: str) -> list[str]:
    found = []
    for path in sorted((ROOT / app).rglob("*.py")):
        for line, name in imported_modules(path):
            top = name.split(".")[0]
            if top in (*APPS, *OTHERS) and not allowed(app, top):
                found.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    return found


@pytest.mark.parametrize("app", APPS)
def test_an_app_imports_only_itself_and_the_apps_below_it(app: str) -> None:
    assert violations(app) == []


def test_the_rule_reads_relative_imports_and_imports_inside_functions() -> None:
    assert not allowed("patients", "scheduling")
    assert not allowed("records", WIRING)
    assert not allowed("assessments", "bench")
    assert allowed("records", "accounts")
    assert allowed(WIRING, "records")
    seed_demo = imported_modules(ROOT / "ims_clinic" / "management" / "commands" / "seed_demo.py")
    assert "ims_clinic.demo" in {name for _, name in seed_demo}  # from ...demo import ...
    apps = imported_modules(ROOT / "ims_clinic" / "apps.py")
    assert "ims_clinic.roles" in {name for _, name in apps}  # inside ready()
