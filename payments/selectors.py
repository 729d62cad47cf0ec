from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from backcore.accounts.models import User
from backcore.prepared import PLACEHOLDERS, Prepared, prepared
from payments.models import Contribution, Subscription, SuggestedAmount

HIDDEN_STATUSES = [Contribution.Status.PENDING, Contribution.Status.CANCELLED]

# Amount bands for the admin summary, in minor units: (label, low inclusive, high exclusive).
AMOUNT_BANDS: list[tuple[str, int, int | None]] = [
    ("0 (free)", 0, 1),
    ("up to 9.99", 1, 1000),
    ("10 to 24.99", 1000, 2500),
    ("25 to 49.99", 2500, 5000),
    ("50 and more", 5000, None),
]


def suggested_amounts() -> list[int]:
    return list(
        SuggestedAmount.objects.filter(is_active=True)
        .order_by("position", "amount_minor")
        .values_list("amount_minor", flat=True)
    )


def member_contributions(*, member: User) -> QuerySet[Contribution]:
    return (
        Contribution.objects.filter(member=member)
        .exclude(status__in=HIDDEN_STATUSES)
        .order_by("-created_at", "-pk")
    )


def member_subscriptions(*, member: User) -> QuerySet[Subscription]:
    return Subscription.objects.filter(member=member).order_by("-created_at", "-pk")


def member_customer_contributions(*, member: User) -> QuerySet[Contribution]:
    """Contributions that made the member a Stripe customer (they can manage cards there)."""
    return Contribution.objects.filter(member=member).exclude(customer_id="").order_by()


def _compiled(name: str, build) -> Prepared:
    return prepared(("payments.contributions_page", name), build, names=("member",), plan_once=True)


def contributions_page(*, member: User) -> dict:
    """What /account/contributions/ shows: the member's contributions (newest first), live
    monthly subscriptions and whether Stripe knows them as a customer. The same rules as the
    selectors above, each read compiled and planned once (the page is a key member page)."""
    someone = User(pk=PLACEHOLDERS["member"])
    contributions = _compiled("contributions", lambda: member_contributions(member=someone))
    subscriptions = _compiled("subscriptions", lambda: member_subscriptions(member=someone))
    customer = _compiled(
        "has_customer", lambda: member_customer_contributions(member=someone).values("pk")
    )
    return {
        "contributions": contributions.objects(member=member.pk),
        "subscriptions": [s for s in subscriptions.objects(member=member.pk) if s.is_live],
        "has_customer": customer.exists(member=member.pk),
    }


def _band_q(low: int, high: int | None) -> Q:
    q = Q(amount_minor__gte=low)
    return q & Q(amount_minor__lt=high) if high is not None else q


def contribution_summary() -> dict:
    """Totals per month and per amount band for paid contributions, in a fixed number of queries."""
    paid = Contribution.objects.filter(status=Contribution.Status.PAID)
    months = list(
        paid.annotate(month=TruncMonth("paid_at"))
        .values("month", "currency")
        .annotate(total=Sum("amount_minor"), count=Count("id"))
        .order_by("-month", "currency")[:24]
    )
    counts = paid.aggregate(
        **{
            f"band{i}": Count("id", filter=_band_q(low, high))
            for i, (_, low, high) in enumerate(AMOUNT_BANDS)
        }
    )
    bands = []
    for i, (label, low, high) in enumerate(AMOUNT_BANDS):
        count = counts[f"band{i}"]
        # The median from the one or two middle rows of the band (one small query per band).
        lo = max((count - 1) // 2, 0)
        middle = list(
            paid.filter(_band_q(low, high))
            .order_by("amount_minor")
            .values_list("amount_minor", flat=True)[lo : lo + (2 if count % 2 == 0 else 1)]
        )
        median = sum(middle) / len(middle) if middle and count else None
        bands.append({"label": label, "count": count, "median_minor": median})
    return {"months": months, "bands": bands}
