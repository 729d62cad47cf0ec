import pytest

from tests.support.fake_stripe import fake_stripe  # noqa: F401


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
