from tests.support.fake_stripe import fake_stripe  # noqa: F401
