"""Bench data for accounts: members with a verified email, a profile and a free membership,
the heavy member (the first) and a coach. Registered with backcore.bench."""

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from backcore.accounts.models import Membership, Profile, User
from backcore.bench import (
    BATCH,
    BENCH_EMAIL_DOMAIN,
    BENCH_PASSWORD,
    BenchContext,
    bench_email,
    register,
)


@register(order=0)
def accounts(ctx: BenchContext) -> None:
    """Members (verified email, free membership, a profile), a heavy member and a coach."""
    from allauth.account.models import EmailAddress

    from backcore.accounts.services import coach_add

    password = make_password(BENCH_PASSWORD)  # one hash for everyone: bench logins only
    now = timezone.now()
    users = [
        User(email=bench_email(i), password=password, date_joined=now) for i in range(ctx.members)
    ]
    users.append(User(email=f"coach@{BENCH_EMAIL_DOMAIN}", password=password, is_staff=True))
    created = User.objects.bulk_create(users, batch_size=BATCH)
    ids = [u.pk for u in created]
    Profile.objects.bulk_create(
        [Profile(user_id=pk, display_name=f"Member {n}") for n, pk in enumerate(ids)],
        batch_size=BATCH,
    )
    Membership.objects.bulk_create(
        [Membership(user_id=pk, source="free", joined_at=now) for pk in ids], batch_size=BATCH
    )
    EmailAddress.objects.bulk_create(
        [EmailAddress(user_id=u.pk, email=u.email, verified=True, primary=True) for u in created],
        batch_size=BATCH,
    )
    ctx.member_ids = ids[:-1]
    ctx.heavy_member_id = ids[0]
    ctx.coach_id = ids[-1]
    coach_add(user=created[-1])
    ctx.say(f"  {len(ids) - 1} members and a coach")
