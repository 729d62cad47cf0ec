from tests.integration.community.conftest import category, seasoned, thread_with  # noqa: F401
from tests.support.fake_stripe import fake_stripe  # noqa: F401
