import pytest
from django.utils import timezone

from payments.models import SuggestedAmount, WebhookEvent
from payments.selectors import contribution_summary, suggested_amounts
from tests.factories import UserFactory
from tests.factories.payments import ContributionFactory, WebhookEventFactory


@pytest.fixture
def admin_user(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.mark.django_db
def test_seeded_suggested_amounts_in_minor_units():
    assert suggested_amounts() == [0, 500, 1500, 3000]


@pytest.mark.django_db
def test_coaches_may_view_and_change_suggested_amounts(client, coach):
    assert coach.has_perm("payments.view_suggestedamount")
    assert coach.has_perm("payments.change_suggestedamount")
    assert not coach.has_perm("payments.delete_contribution")
    client.force_login(coach)
    assert client.get("/admin/payments/suggestedamount/").status_code == 200


@pytest.mark.django_db
def test_summary_totals_and_medians():
    now = timezone.now()
    for amount in [0, 500, 700, 1500, 1500, 2000, 6000]:
        ContributionFactory(amount_minor=amount, paid_at=now)
    ContributionFactory(amount_minor=100_000, status="refunded")  # not counted
    summary = contribution_summary()
    bands = {b["label"]: (b["count"], b["median_minor"]) for b in summary["bands"]}
    assert bands == {
        "0 (free)": (1, 0),
        "up to 9.99": (2, 600),
        "10 to 24.99": (3, 1500),
        "25 to 49.99": (0, None),
        "50 and more": (1, 6000),
    }
    [month] = summary["months"]
    assert (month["currency"], month["count"], month["total"]) == ("usd", 7, 12200)


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 40])
def test_contribution_changelist_renders_summary_in_constant_queries(
    client, admin_user, django_assert_num_queries, rows
):
    for i in range(rows):
        ContributionFactory(amount_minor=500 * (i % 7))
    client.force_login(admin_user)
    with django_assert_num_queries(15):
        response = client.get("/admin/payments/contribution/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Count and median per amount band" in body and "Totals per month" in body


@pytest.mark.django_db
def test_contribution_filters(client, admin_user):
    ContributionFactory(status="refunded")
    client.force_login(admin_user)
    month = timezone.now().strftime("%Y-%m")
    for query in [
        "status__exact=refunded",
        "kind__exact=monthly",
        "currency__exact=usd",
        f"month={month}",
        "month=bad",
    ]:
        assert client.get(f"/admin/payments/contribution/?{query}").status_code == 200


@pytest.mark.django_db
def test_webhook_event_shows_pretty_payload(client, admin_user):
    event = WebhookEventFactory(
        payload={"id": "evt_1", "type": "x", "data": {"object": {"id": "cs_1"}}}
    )
    client.force_login(admin_user)
    body = client.get(f"/admin/payments/webhookevent/{event.pk}/change/").content.decode()
    assert "&quot;cs_1&quot;" in body and "<pre" in body


@pytest.mark.django_db
def test_reprocess_action(client, admin_user, django_capture_on_commit_callbacks):
    event = WebhookEventFactory(type="customer.created", status="failed", attempts=1)
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/payments/webhookevent/", {"action": "reprocess", "_selected_action": [event.pk]}
        )
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.status, event.attempts) == (WebhookEvent.Status.IGNORED, 2)


@pytest.mark.django_db
def test_suggested_amount_cannot_be_negative():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        SuggestedAmount.objects.filter(amount_minor=500).update(amount_minor=-1)
