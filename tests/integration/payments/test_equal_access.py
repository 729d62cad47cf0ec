"""Members who paid 0 and members who paid 100 see the same member pages."""

import re

import pytest
from django.test import Client

from backcore.accounts.selectors import user_is_member
from payments import services
from tests.factories import UserFactory
from tests.integration.payments.helpers import start_checkout

MEMBER_PAGES = [
    "/today/",
    "/programme/",
    "/progress/",
    "/community/",
    "/exercises/",
    "/account/contributions/",
]


def _page_shape(client: Client, url: str) -> tuple:
    response = client.get(url)
    location = response.get("Location", "")
    body = response.content.decode() if response.status_code == 200 else ""
    headings = re.findall(r"<h1[^>]*>(.*?)</h1>", body, flags=re.S)
    return response.status_code, "/join/" in location, [h.strip() for h in headings]


@pytest.mark.django_db
def test_zero_and_one_hundred_open_the_same_pages(fake_stripe):
    free, paid = UserFactory(), UserFactory()
    free_client, paid_client = (
        Client(raise_request_exception=False),
        Client(raise_request_exception=False),
    )
    free_client.force_login(free)
    paid_client.force_login(paid)

    assert free_client.post("/join/", {"amount": "0"}).status_code == 302
    paid_client.post(
        "/join/",
        {"amount": "custom", "custom_amount": "100", "frequency": "one_time", "nonce": "p"},
    )
    contribution = paid.contributions.get()
    fake_stripe.pay(contribution.checkout_session_id)
    services.checkout_session_sync(session_id=contribution.checkout_session_id, member=paid)

    assert user_is_member(user=free) and user_is_member(user=paid)
    assert (free.membership.source, paid.membership.source) == ("free", "one_time")
    for url in MEMBER_PAGES:
        free_shape, paid_shape = _page_shape(free_client, url), _page_shape(paid_client, url)
        assert free_shape == paid_shape, url
        assert not free_shape[1], f"{url} sent the free member to /join/"
    assert _page_shape(free_client, "/account/contributions/")[0] == 200


@pytest.mark.django_db
def test_non_member_is_sent_to_join_but_members_are_not(fake_stripe):
    """The control: the comparison above would notice a page that asked for payment."""
    outsider = UserFactory()
    client = Client(raise_request_exception=False)
    client.force_login(outsider)
    assert _page_shape(client, "/today/")[1] or _page_shape(client, "/community/")[1]
    start_checkout(outsider)  # starting checkout alone does not open anything
    assert not user_is_member(user=outsider)
