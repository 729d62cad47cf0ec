"""The engine stays pure Python: no Django and no other app may creep in."""

import ast
from pathlib import Path

import programs.engine

ENGINE_DIR = Path(programs.engine.__file__).parent
FORBIDDEN_ROOTS = {"django", "backcore", "exercises", "community", "payments"}


def imported_modules(tree: ast.AST) -> list[tuple[str, int]]:
    """(absolute-ish module name, relative level) for every import statement."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, 0) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.module or "", node.level))
    return found


def engine_files() -> list[Path]:
    files = sorted(ENGINE_DIR.rglob("*.py"))
    assert len(files) >= 5  # guard against walking the wrong folder
    return files


def test_engine_imports_no_django_and_no_other_app():
    for path in engine_files():
        tree = ast.parse(path.read_text(), filename=str(path))
        for module, level in imported_modules(tree):
            assert level <= 1, f"{path.name}: relative import reaches outside the engine"
            root = module.split(".")[0]
            assert root not in FORBIDDEN_ROOTS, f"{path.name} imports {module}"
            if root == "programs":
                assert module == "programs.engine" or module.startswith("programs.engine."), (
                    f"{path.name} imports {module}"
                )


def test_engine_does_not_import_dynamically():
    for path in engine_files():
        source = path.read_text()
        assert "import_module" not in source and "__import__" not in source, path.name
