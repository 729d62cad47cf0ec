"""The exercises app depends only on backcore (see ARCHITECTURE.md)."""

import ast
from pathlib import Path

import exercises

FORBIDDEN = ("programs", "community", "payments")


def test_exercises_never_imports_other_feature_apps():
    root = Path(exercises.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert offenders == []
    assert any(root.rglob("*.py"))
