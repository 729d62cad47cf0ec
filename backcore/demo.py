"""Demo logins for `make run` / `make demo`. Idempotent; refused in production."""

from allauth.account.models import EmailAddress
from django.db import transaction

from backcore.accounts.models import User
from backcore.accounts.services import coach_add, membership_grant, user_create

DEMO_PASSWORD = "backcore-demo"  # published in the README; demo databases only
DEMO_USERS = [
    # email, display name, role
    ("member@example.com", "Sam (demo member)", "member"),
    ("coach@example.com", "Coach Robin", "coach"),
    ("admin@example.com", "Admin", "admin"),
]


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
