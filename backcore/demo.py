"""Demo logins for `make run` / `make demo`, then each app's sample data. Idempotent; refused in
production.

backcore never names an app: an app that has sample data ships a `demo.py` whose seed function
carries `@demo_seeder`; `seed_all()` finds those modules with `autodiscover_modules("demo")` and
runs the seeders in INSTALLED_APPS order (so the library exists before plans are built).
"""

from collections.abc import Callable

from allauth.account.models import EmailAddress
from django.apps import apps
from django.db import transaction
from django.utils.module_loading import autodiscover_modules

from backcore.accounts.models import User
from backcore.accounts.services import coach_add, membership_grant, user_create

DEMO_PASSWORD = "backcore-demo"  # published in the README; demo databases only
DEMO_USERS = [
    # email, display name, role
    ("member@example.com", "Sam (demo member)", "member"),
    ("coach@example.com", "Coach Robin", "coach"),
    ("admin@example.com", "Admin", "admin"),
]

Seeder = Callable[..., None]  # seed(*, stdout, users: dict[str, User]) -> None
_seeders: list[Seeder] = []


def demo_seeder(seed_function: Seeder) -> Seeder:
    """Register an app's sample data (decorator for `seed(*, stdout, users)` in `<app>/demo.py`)."""
    if seed_function not in _seeders:
        _seeders.append(seed_function)
    return seed_function


def _app_order(seed_function: Seeder) -> int:
    config = apps.get_containing_app_config(seed_function.__module__)
    return list(apps.get_app_configs()).index(config) if config else len(_seeders)


def seed_all(stdout) -> dict[str, User]:
    users = seed(stdout)
    autodiscover_modules("demo")
    for seed_function in sorted(_seeders, key=_app_order):
        seed_function(stdout=stdout, users=users)
    return users


@transaction.atomic
def seed(stdout) -> dict[str, User]:
    users: dict[str, User] = {}
    for email, name, role in DEMO_USERS:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = user_create(
                email=email,
                password=DEMO_PASSWORD,
                display_name=name,
                is_staff=role == "admin",
                is_superuser=role == "admin",
            )
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        if role == "coach":
            coach_add(user=user)
        membership_grant(user=user, source="staff" if role != "member" else "free")
        users[role] = user
    stdout.write("Demo logins (password: backcore-demo): " + ", ".join(e for e, _, _ in DEMO_USERS))
    return users
