from tests.integration.community.conftest import (  # noqa: F401
    _fast_passwords,
    category,
    seasoned,
    thread_with,
)
from tests.support.fake_stripe import fake_stripe  # noqa: F401
