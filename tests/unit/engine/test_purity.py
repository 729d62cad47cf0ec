"""Pure packages stay pure Python: no Django and no other app may creep in.

Pure packages: the progression engine (`programs/engine/`) and the figure renderer
(`exercises/figures/`). Each may import only itself and the standard library (and Pillow for
the renderer's PNG output).
"""

import ast
from pathlib import Path

import pytest

import exercises.figures
import programs.engine

FORBIDDEN_ROOTS = {"django", "backcore", "exercises", "programs", "community", "payments"}
PURE_PACKAGES = {
    "programs.engine": Path(programs.engine.__file__).parent,
    "exercises.figures": Path(exercises.figures.__file__).parent,
}


def imported_modules(tree: ast.AST) -> list[tuple[str, int]]:
    """(absolute-ish module name, relative level) for every import statement."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, 0) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.module or "", node.level))
    return found


def package_files(directory: Path) -> list[Path]:
    files = sorted(directory.rglob("*.py"))
    assert len(files) >= 4  # guard against walking the wrong folder
    return files


@pytest.mark.parametrize("package", sorted(PURE_PACKAGES))
def test_pure_package_imports_no_django_and_no_other_app(package):
    for path in package_files(PURE_PACKAGES[package]):
        tree = ast.parse(path.read_text(), filename=str(path))
        for module, level in imported_modules(tree):
            assert level <= 1, f"{path.name}: relative import reaches outside {package}"
            if module == package or module.startswith(package + "."):
                continue
            root = module.split(".")[0]
            assert root not in FORBIDDEN_ROOTS, f"{path.name} imports {module}"


@pytest.mark.parametrize("package", sorted(PURE_PACKAGES))
def test_pure_package_does_not_import_dynamically(package):
    for path in package_files(PURE_PACKAGES[package]):
        source = path.read_text()
        assert "import_module" not in source and "__import__" not in source, path.name
