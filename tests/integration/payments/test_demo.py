import io

import pytest

from payments import demo
from payments.models import Contribution
from tests.factories import CoachFactory, UserFactory


@pytest.mark.django_db
def test_demo_seed_is_idempotent():
    users = {"member": UserFactory(), "coach": CoachFactory(), "admin": UserFactory(is_staff=True)}
    demo.seed(stdout=io.StringIO(), users=users)
    demo.seed(stdout=io.StringIO(), users=users)
    assert Contribution.objects.filter(member=users["member"]).count() == 1 + len(demo.SAMPLES)
    assert users["member"].membership.source == "free"
