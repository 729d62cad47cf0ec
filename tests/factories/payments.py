import factory
from django.utils import timezone

from payments.models import Contribution, WebhookEvent
from tests.factories.accounts import MemberFactory


class ContributionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contribution

    member = factory.SubFactory(MemberFactory)
    amount_minor = 1500
    currency = "usd"
    kind = Contribution.Kind.ONE_TIME
    status = Contribution.Status.PAID
    idempotency_key = factory.Sequence(lambda n: f"test-key-{n}")
    checkout_session_id = factory.Sequence(lambda n: f"cs_factory_{n}")
    paid_at = factory.LazyFunction(timezone.now)


class WebhookEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookEvent

    stripe_event_id = factory.Sequence(lambda n: f"evt_factory_{n}")
    type = "checkout.session.completed"
    payload = factory.LazyAttribute(
        lambda o: {"id": o.stripe_event_id, "type": o.type, "data": {"object": {"id": "cs_x"}}}
    )
