"""Every "never" in ../shared/ARCHITECTURE.md, checked on the source (no database, no imports run).

Import statements (absolute, relative, inside functions) and dotted strings (`"community.services"`,
`"payments.models.Subscription"`, `ForeignKey("community.Post")`, `apps.get_model("payments", …)`,
`import_module("programs.x")`) both count: a string naming a module is an import done later.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FEATURE_APPS = ("exercises", "programs", "community", "payments")
FIRST_PARTY = ("backcore", *FEATURE_APPS)

# Who may import whom (the table in ARCHITECTURE.md). A prefix allows that module and below.
ALLOWED = {
    "backcore": ("backcore",),
    "exercises": ("backcore", "exercises"),
    "programs": ("backcore", "exercises", "programs"),
    "community": ("backcore", "community", "programs.selectors"),
    "payments": ("backcore", "payments"),
}
# backcore's composition root names every app by design: INSTALLED_APPS and the root URLconf.
COMPOSITION_ROOT = {"backcore/settings.py", "backcore/urls.py"}
DOTTED = re.compile(r"^(?P<module>(?:" + "|".join(FIRST_PARTY) + r")(?:\.\w+)+)$")
WRITES = {
    "create",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
    "update",
    "delete",
}


@dataclass(frozen=True)
class Reference:
    path: str
    line: int
    module: str
    how: str  # "import" or "string"

    def __str__(self) -> str:
        return f"{self.path}:{self.line} {self.how} {self.module}"


def source_files(package: str) -> list[Path]:
    files = [
        p
        for p in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in p.relative_to(ROOT).parts
    ]
    assert files, f"no Python files under {package}/"  # guard against walking the wrong folder
    return files


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def module_of(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def tree_of(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _absolute(path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module_of(path).split(".")
    if path.name != "__init__.py":
        package.pop()
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def references(path: Path) -> list[Reference]:
    """Every first-party module this file imports or names in a string."""
    found = []
    for node in ast.walk(tree_of(path)):
        if isinstance(node, ast.Import):
            found += [Reference(rel(path), node.lineno, a.name, "import") for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(path, node)
            if (ROOT / module.replace(".", "/")).is_dir():
                # `from programs import selectors` imports programs.selectors (a package's names)
                found += [
                    Reference(rel(path), node.lineno, f"{module}.{a.name}", "import")
                    for a in node.names
                ]
            else:
                found.append(Reference(rel(path), node.lineno, module, "import"))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            match = DOTTED.match(node.value.strip())
            if match:
                found.append(Reference(rel(path), node.lineno, match["module"], "string"))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get_model"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            label = node.args[0].value.split(".")[0]
            if label in FIRST_PARTY:
                found.append(Reference(rel(path), node.lineno, f"{label}.models", "string"))
    return [r for r in found if r.module.split(".")[0] in FIRST_PARTY]


def allowed(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def is_pure_package(init: Path) -> bool:
    """A package is pure when its docstring says "pure Python" or it sets `__pure__ = True`."""
    tree = tree_of(init)
    doc = (ast.get_docstring(tree) or "").lower()
    flagged = any(
        isinstance(n, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "__pure__" for t in n.targets)
        and isinstance(n.value, ast.Constant)
        and n.value.value is True
        for n in tree.body
    )
    return flagged or "pure python" in doc


def pure_packages() -> list[Path]:
    found = [
        init.parent
        for app in FIRST_PARTY
        for init in sorted((ROOT / app).rglob("__init__.py"))
        if init.parent != ROOT / app and is_pure_package(init)
    ]
    assert ROOT / "programs" / "engine" in found
    assert ROOT / "exercises" / "figures" in found
    return found


# --------------------------------------------------------------------------------------- tests


@pytest.mark.parametrize("app", FIRST_PARTY)
def test_each_app_imports_only_what_the_architecture_allows(app):
    offenders = [
        str(r)
        for path in source_files(app)
        if rel(path) not in COMPOSITION_ROOT
        for r in references(path)
        if not allowed(r.module, ALLOWED[app])
    ]
    assert offenders == [], "imports that break ARCHITECTURE.md:\n" + "\n".join(offenders)


def test_pure_packages_import_neither_django_nor_any_app():
    offenders = []
    for package in pure_packages():
        own = module_of(package / "__init__.py")
        for path in sorted(package.rglob("*.py")):
            tree = tree_of(path)
            for node in ast.walk(tree):
                modules = []
                if isinstance(node, ast.Import):
                    modules = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom):
                    modules = [_absolute(path, node)]
                elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "__import__":
                    modules = ["__import__"]
                elif isinstance(node, ast.Attribute) and node.attr == "import_module":
                    modules = ["importlib.import_module"]
                for module in modules:
                    root = module.split(".")[0]
                    inside = module == own or module.startswith(own + ".")
                    if root in ("django", "__import__", "importlib") or (
                        root in FIRST_PARTY and not inside
                    ):
                        offenders.append(f"{rel(path)}:{node.lineno} {module}")
            for r in references(path):
                if r.how == "string" and not r.module.startswith(own):
                    offenders.append(str(r))
    assert offenders == []


def _root_name(node: ast.AST) -> str | None:
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


@pytest.mark.parametrize("app", FIRST_PARTY)
def test_no_app_writes_another_apps_models(app):
    """Cross-app writes go through the owner's services: `Other.objects…create/update/delete`
    and `.save()` on another app's model class are refused."""
    offenders = []
    for path in source_files(app):
        own = module_of(path).split(".")
        own_app = ".".join(own[:2]) if own[0] == "backcore" and len(own) > 1 else own[0]
        foreign: set[str] = set()
        tree = tree_of(path)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                module = _absolute(path, node)
                theirs = module.endswith(".models") and not module.startswith(f"{own_app}.models")
                if theirs and module.split(".")[0] in FIRST_PARTY:
                    foreign |= {a.asname or a.name for a in node.names}
        if not foreign:
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in WRITES
                and _root_name(node.func.value) in foreign
                and "objects" in ast.unparse(node.func.value)
            ):
                offenders.append(f"{rel(path)}:{node.lineno} {ast.unparse(node.func)[:80]}")
    assert offenders == []


def test_backcore_names_no_app_even_in_strings_outside_its_composition_root():
    """Explicit, because backcore must reach apps through hooks (accounts.lifecycle, demo)."""
    offenders = [
        str(r)
        for path in source_files("backcore")
        if rel(path) not in COMPOSITION_ROOT
        for r in references(path)
        if r.module.split(".")[0] in FEATURE_APPS
    ]
    assert offenders == []


def test_backcore_never_imports_dynamically():
    """`import_module(f"{app}.demo")` would dodge every check above: use the hooks instead."""
    offenders = [
        f"{rel(path)}:{node.lineno}"
        for path in source_files("backcore")
        for node in ast.walk(tree_of(path))
        if (isinstance(node, ast.Attribute) and node.attr == "import_module")
        or (isinstance(node, ast.Name) and node.id in ("import_module", "__import__"))
    ]
    assert offenders == []


def test_the_checker_sees_statements_strings_and_relative_imports(tmp_path):
    """The rules above must be able to fail."""
    package = tmp_path / "backcore" / "sample"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (tmp_path / "programs" / "selectors").mkdir(parents=True)
    sample = package / "mod.py"
    sample.write_text(
        "import payments.services\n"
        "from ..x import y\n"
        "HOOK = 'community.services.member_forget'\n"
        "def f(apps):\n"
        "    from programs import selectors\n"
        "    return apps.get_model('exercises', 'Exercise')\n"
    )
    real_root = ROOT
    globals()["ROOT"] = tmp_path
    try:
        modules = {(r.module, r.how) for r in references(sample)}
    finally:
        globals()["ROOT"] = real_root
    assert ("payments.services", "import") in modules
    assert ("backcore.x", "import") in modules
    assert ("community.services.member_forget", "string") in modules
    assert ("programs.selectors", "import") in modules
    assert ("exercises.models", "string") in modules


def test_no_issue_tracker_tags_in_code_tests_or_templates():
    """Code and tests say what they do, not which ticket asked for it (a ticket number in a
    docstring or comment ages badly)."""
    tag = re.compile(r"\bissue\s+#?\d+", re.IGNORECASE)
    files = [p for app in FIRST_PARTY for p in source_files(app)]
    files += sorted((ROOT / "tests").rglob("*.py"))
    files += sorted((ROOT / "templates").rglob("*.html"))
    offenders = [
        f"{rel(p)}:{n}"
        for p in files
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if tag.search(line)
    ]
    assert offenders == []


def test_no_hard_coded_site_paths_in_app_code():
    """Links and redirects use reverse() / {% url %} / URL names, so routes can move."""
    path = re.compile(r"^/(today|join|progress|programme|community|account|exercises|learn)/")
    offenders = []
    for app in FIRST_PARTY:
        for p in source_files(app):
            if p.name == "urls.py" or "management" in p.parts or "bench" in p.stem:
                continue
            tree = tree_of(p)
            docstrings = {
                id(n.value)
                for n in ast.walk(tree)
                if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)
            }
            offenders += [
                f"{rel(p)}:{n.lineno} {n.value!r}"
                for n in ast.walk(tree)
                if isinstance(n, ast.Constant)
                and isinstance(n.value, str)
                and id(n) not in docstrings
                and path.match(n.value)
            ]
    assert offenders == []
