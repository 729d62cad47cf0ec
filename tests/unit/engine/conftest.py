"""Engine tests need no Django: switch off the project-wide fixtures that touch settings."""

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "engine",
    deadline=None,  # the engine is fast, but CI machines are not always
    suppress_health_check=[HealthCheck.too_slow],
)
# `--hypothesis-profile=engine-thorough` explores far more random histories (slow).
settings.register_profile(
    "engine-thorough", parent=settings.get_profile("engine"), max_examples=2000
)
settings.load_profile("engine")


@pytest.fixture(autouse=True)
def _eager_celery():
    """Overrides tests/conftest.py's fixture of the same name: no Celery here."""
    yield


@pytest.fixture(autouse=True)
def _isolated_media_and_cache():
    """Overrides tests/conftest.py's fixture of the same name: no settings or cache here."""
    yield
