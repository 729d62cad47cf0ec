"""Every "never" in ../shared/ARCHITECTURE.md, checked on the source (no database, no imports run).

Import statements (absolute, relative, inside functions) and dotted strings (`"community.services"`,
`"payments.models.Subscription"`, `ForeignKey("community.Post")`, `apps.get_model("payments", …)`,
`import_module("programs.x")`) both count: a string naming a module is an import done later.
NEVER_RULES (at the end) ties each "never" line to its tests. Background work runs one way: tasks
import services, services send tasks by name through backcore.dispatch, beat lives in settings.
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


def _app_of(path: Path) -> str:
    own = module_of(path).split(".")
    return ".".join(own[:2]) if own[0] == "backcore" and len(own) > 1 else own[0]


def _foreign_models(path: Path) -> set[str]:
    """Names in this file bound to another app's model classes: imported from its models module
    or fetched with `apps.get_model("other_app", …)`."""
    own_app = _app_of(path)
    foreign: set[str] = set()
    for node in ast.walk(tree_of(path)):
        if isinstance(node, ast.ImportFrom):
            module = _absolute(path, node)
            theirs = module.endswith(".models") and not module.startswith(f"{own_app}.models")
            if theirs and module.split(".")[0] in FIRST_PARTY:
                foreign |= {a.asname or a.name for a in node.names}
        elif (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and getattr(node.value.func, "attr", None) == "get_model"
            and node.value.args
            and isinstance(node.value.args[0], ast.Constant)
        ):
            label = str(node.value.args[0].value).split(".")[0]
            if label in FIRST_PARTY and not own_app.startswith(label):
                foreign |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return foreign


def _fetches(node: ast.AST, models: set[str]) -> bool:
    """`Other(...)`, `Other.objects…`, `get_object_or_404(Other, …)`: an instance of a model."""
    if isinstance(node, ast.Call) and getattr(node.func, "id", None) in (
        "get_object_or_404",
        "get_list_or_404",
    ):
        return bool(node.args) and _root_name(node.args[0]) in models
    return _root_name(node) in models


def cross_app_writes(path: Path) -> list[str]:
    """Writes to another app's models: `Other.objects…create/update/delete…`, and `.save()` or
    `.delete()` on an instance the file got from another app's model."""
    foreign = _foreign_models(path)
    if not foreign:
        return []
    tree = tree_of(path)
    instances: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            if _fetches(node.value, foreign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                instances |= {t.id for t in targets if isinstance(t, ast.Name)}
        elif (
            isinstance(node, ast.For)
            and _fetches(node.iter, foreign)
            and isinstance(node.target, ast.Name)
        ):
            instances.add(node.target.id)
    offenders = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        receiver = node.func.value
        on_class = (
            node.func.attr in WRITES
            and _root_name(receiver) in foreign
            and "objects" in ast.unparse(receiver)
        )
        on_instance = (
            node.func.attr in ("save", "delete")
            and isinstance(receiver, ast.Name)
            and receiver.id in instances
        )
        if on_class or on_instance:
            offenders.append(f"{rel(path)}:{node.lineno} {ast.unparse(node.func)[:80]}")
    return offenders


@pytest.mark.parametrize("app", FIRST_PARTY)
def test_no_app_writes_another_apps_models(app):
    """Cross-app writes go through the owner's services: `Other.objects…create/update/delete`,
    and `.save()` / `.delete()` on an instance of another app's model, are refused."""
    offenders = [o for path in source_files(app) for o in cross_app_writes(path)]
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


# ------------------------------------------------------------- background work: one direction

SENDERS = {"send_on_commit", "send_now"}


def _is_tasks_module(module: str) -> bool:
    return module.split(".")[-1] == "tasks"


def _is_services_module(path: Path) -> bool:
    return path.stem == "services" or "services" in path.relative_to(ROOT).parts[:-1]


def _task_functions(tasks_file: Path) -> set[str]:
    """Names of the Celery tasks a tasks.py defines (`@shared_task` / `@app.task`)."""
    names = set()
    for node in tree_of(tasks_file).body:
        if isinstance(node, ast.FunctionDef):
            for deco in node.decorator_list:
                target = deco.func if isinstance(deco, ast.Call) else deco
                if ast.unparse(target).split(".")[-1] in ("shared_task", "task"):
                    names.add(node.name)
    return names


def _sent_task_names(path: Path) -> list[tuple[int, str]]:
    """`send_on_commit("app.tasks.name", …)` / `send_now(NAME, …)`: the task names a file sends,
    module-level string constants followed."""
    tree = tree_of(path)
    constants = {
        t.id: n.value.value
        for n in tree.body
        if isinstance(n, ast.Assign)
        and isinstance(n.value, ast.Constant)
        and isinstance(n.value.value, str)
        for t in n.targets
        if isinstance(t, ast.Name)
    }
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and node.args):
            continue
        if getattr(node.func, "id", getattr(node.func, "attr", None)) not in SENDERS:
            continue
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            found.append((node.lineno, first.value))
        elif isinstance(first, ast.Name) and first.id in constants:
            found.append((node.lineno, constants[first.id]))
    return found


def _all_files() -> list[Path]:
    return [p for app in FIRST_PARTY for p in source_files(app)]


def tasks_imports(path: Path) -> list[str]:
    if _is_tasks_module(module_of(path)):
        return []
    return [
        str(r)
        for r in references(path)
        if r.how == "import" and any(part == "tasks" for part in r.module.split("."))
    ]


def bad_task_sends(path: Path) -> tuple[int, list[str]]:
    """(how many sends, the ones that do not name a task of the file's own app's tasks.py)."""
    if not _is_services_module(path):
        return 0, []
    app = _app_of(path)
    sends = _sent_task_names(path)
    offenders = []
    for line, name in sends:
        module, _, function = name.rpartition(".")
        tasks_file = ROOT / (module.replace(".", "/") + ".py")
        if (
            module != f"{app}.tasks"
            or not tasks_file.exists()
            or function not in _task_functions(tasks_file)
        ):
            offenders.append(f"{rel(path)}:{line} sends {name!r}")
    return len(sends), offenders


def test_only_tasks_import_tasks():
    """Tasks import services; services (and views, admin, selectors…) never import a tasks
    module, not even inside a function: they send a task by its registered name with
    backcore.dispatch.send_on_commit. So there is no services <-> tasks import loop anywhere."""
    offenders = [o for path in _all_files() for o in tasks_imports(path)]
    assert offenders == []


def test_services_send_their_own_apps_real_tasks():
    """Every task name a service sends is a task its own app's tasks.py defines (a typo would
    otherwise surface only when the message reaches a worker)."""
    results = [bad_task_sends(path) for path in _all_files()]
    assert sum(n for n, _ in results) >= 5, "the checker sees almost no sends: wrong calls?"
    assert [o for _, found in results for o in found] == []


def test_tasks_are_thin():
    """A task takes ids and calls a service: no model writes in tasks.py."""
    offenders = [
        f"{rel(path)}:{node.lineno} {ast.unparse(node.func)[:80]}"
        for path in _all_files()
        if path.name == "tasks.py"
        for node in ast.walk(tree_of(path))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and (
            (node.func.attr in WRITES and "objects" in ast.unparse(node.func.value))
            or node.func.attr == "save"
        )
    ]
    assert offenders == []


def test_beat_schedules_live_in_settings_only():
    """`CELERY_BEAT_SCHEDULE` in backcore/settings.py is the one list of periodic work."""
    names = {"CELERY_BEAT_SCHEDULE", "beat_schedule", "PeriodicTask", "add_periodic_task"}
    offenders = [
        f"{rel(path)}:{node.lineno}"
        for path in _all_files()
        if rel(path) != "backcore/settings.py"
        for node in ast.walk(tree_of(path))
        if (isinstance(node, ast.Name) and node.id in names)
        or (isinstance(node, ast.Attribute) and node.attr in names)
    ]
    assert offenders == []


def test_the_checker_sees_task_imports_bad_task_names_and_foreign_instance_writes(tmp_path):
    """The background-work and cross-app-write rules above must be able to fail."""
    for package in ("community", "programs", "payments"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / "community" / "tasks.py").write_text(
        "from celery import shared_task\n@shared_task(acks_late=True)\ndef notify_post(i): ...\n"
    )
    services = tmp_path / "community" / "services.py"
    services.write_text(
        "TASK = 'community.tasks.notify_psot'\n"
        "def publish(post):\n"
        "    from community import tasks\n"
        "    send_on_commit(tasks.notify_post, post.pk)\n"
        "    send_on_commit('community.tasks.notify_post', post.pk)\n"
        "    send_now(TASK, post.pk)\n"
        "    send_on_commit('programs.tasks.plan', post.pk)\n"
    )
    writer = tmp_path / "programs" / "writer.py"
    writer.write_text(
        "from payments.models import Contribution\n"
        "def f(apps, pk):\n"
        "    c = Contribution.objects.get(pk=pk)\n"
        "    c.amount = 0\n"
        "    c.save()\n"
        "    for row in Contribution.objects.filter(pk=pk):\n"
        "        row.delete()\n"
        "    Sub = apps.get_model('payments', 'Subscription')\n"
        "    Sub.objects.filter(pk=pk).update(status='x')\n"
        "    own = object()\n"
        "    own.save()\n"
    )
    real_root = ROOT
    globals()["ROOT"] = tmp_path
    try:
        imports = tasks_imports(services)
        sends, bad = bad_task_sends(services)
        writes = cross_app_writes(writer)
    finally:
        globals()["ROOT"] = real_root
    assert imports == ["community/services.py:3 import community.tasks"]
    assert sends == 3
    assert [b.split(" sends ")[1] for b in bad] == [
        "'community.tasks.notify_psot'",
        "'programs.tasks.plan'",
    ]
    assert sorted(w.split(" ")[0] for w in writes) == [
        "programs/writer.py:5",
        "programs/writer.py:7",
        "programs/writer.py:9",
    ]


def test_membership_is_granted_and_read_only_through_accounts():
    """Membership is one fact in backcore.accounts: other apps grant it with
    `membership_grant(user=…, source=…)` and read it with the accounts selector or the
    `member_required` check, never through the Membership model."""
    offenders = []
    for path in _all_files():
        if rel(path).startswith("backcore/accounts/"):
            continue
        for node in ast.walk(tree_of(path)):
            names = []
            if isinstance(node, ast.ImportFrom):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                names = [node.value.split(".")[-1]] if "." in node.value else []
            if "Membership" in names:
                offenders.append(f"{rel(path)}:{node.lineno}")
    assert offenders == []
    payments = "\n".join(p.read_text(encoding="utf-8") for p in source_files("payments"))
    assert "membership_grant(" in payments


# One or more tests per "Never" line of ARCHITECTURE.md, found by a phrase of that line. A new
# "never" without a test here fails test_every_never_line_has_a_test.
NEVER_RULES = {
    "`programs/engine/`": ["test_pure_packages_import_neither_django_nor_any_app"],
    "`backcore` imports any app": [
        "test_each_app_imports_only_what_the_architecture_allows",
        "test_backcore_names_no_app_even_in_strings_outside_its_composition_root",
        "test_backcore_never_imports_dynamically",
        "test_the_checker_sees_statements_strings_and_relative_imports",
    ],
    "`exercises` imports": ["test_each_app_imports_only_what_the_architecture_allows"],
    "`programs` imports": ["test_each_app_imports_only_what_the_architecture_allows"],
    "`payments` imports": [
        "test_each_app_imports_only_what_the_architecture_allows",
        "test_membership_is_granted_and_read_only_through_accounts",
    ],
    "reads another app's models to write them": [
        "test_no_app_writes_another_apps_models",
        "test_the_checker_sees_task_imports_bad_task_names_and_foreign_instance_writes",
    ],
}
ARCHITECTURE_MD = ROOT.parent / "shared" / "ARCHITECTURE.md"


def never_lines(text: str) -> list[str]:
    """The bullets under "Never:", each joined with its continuation lines."""
    lines = text.split("Never:", 1)[1].splitlines()[1:]
    bullets: list[str] = []
    for line in lines:
        if line.startswith("- "):
            bullets.append(line[2:].strip())
        elif line.startswith(" ") and line.strip() and bullets:
            bullets[-1] += " " + line.strip()
        elif bullets:
            break
    return bullets


def test_every_never_line_has_a_test():
    if not ARCHITECTURE_MD.exists():
        pytest.skip("ARCHITECTURE.md lives beside the repository, not in it")
    bullets = never_lines(ARCHITECTURE_MD.read_text(encoding="utf-8"))
    assert len(bullets) >= 6
    untested = [b for b in bullets if not any(phrase in b for phrase in NEVER_RULES)]
    assert untested == [], "a 'never' in ARCHITECTURE.md without a test here"
    for phrase, tests in NEVER_RULES.items():
        assert any(phrase in b for b in bullets), f"{phrase!r} is no longer in ARCHITECTURE.md"
        assert all(callable(globals().get(t)) for t in tests), tests


def test_templates_link_by_url_name():
    """Templates build their links with {% url %}, so a route can move without dead links."""
    link = re.compile(r"""(?:href|action|src|hx-get|hx-post)=["']/[a-z]""")
    offenders = [
        f"{rel(p)}:{n}"
        for p in sorted((ROOT / "templates").rglob("*.html"))
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if link.search(line)
    ]
    assert offenders == []


# ------------------------------------------------------------- services: imports at the top


def deferred_layer_imports(path: Path) -> list[str]:
    """Imports of first-party services or selectors made inside a function of a services
    module: a sign of an import loop dodged rather than resolved."""
    if not _is_services_module(path):
        return []
    found = []
    for function in ast.walk(tree_of(path)):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if not isinstance(node, ast.ImportFrom) or not node.module or node.level:
                continue
            parts = node.module.split(".")
            if parts[0] in FIRST_PARTY and {"services", "selectors"} & set(parts[1:]):
                found.append(f"{rel(path)}:{node.lineno} {node.module}")
    return found


def test_services_import_services_and_selectors_at_the_top():
    """Service modules import each other at module level, so a loop between them fails at
    start-up instead of hiding inside a function (was: sessions <-> progression)."""
    assert [o for path in _all_files() for o in deferred_layer_imports(path)] == []


def test_the_checker_sees_deferred_service_imports(tmp_path):
    (tmp_path / "programs" / "services").mkdir(parents=True)
    module = tmp_path / "programs" / "services" / "sessions.py"
    module.write_text(
        "from programs.selectors.member import pain_record\n"
        "def f():\n"
        "    from programs.services.progression import after\n"
        "    from programs.models import X\n"
    )
    real_root = ROOT
    globals()["ROOT"] = tmp_path
    try:
        found = deferred_layer_imports(module)
    finally:
        globals()["ROOT"] = real_root
    assert found == ["programs/services/sessions.py:3 programs.services.progression"]
