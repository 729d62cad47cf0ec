"""`seed_demo` finds each app's sample data through `@demo_seeder` (no list of app names)."""

import io

import pytest
from django.core.management import call_command

from backcore import demo
from community.models import Thread
from payments.models import Contribution
from programs.models import Enrolment

pytestmark = pytest.mark.django_db


def test_seed_demo_runs_every_apps_seeder_in_installed_apps_order(settings):
    settings.IS_PRODUCTION = False
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())  # idempotent
    modules = [s.__module__ for s in sorted(demo._seeders, key=demo._app_order)]
    assert modules == ["programs.demo", "community.demo", "payments.demo"]
    member = demo.User.objects.get(email="member@example.com")
    assert Enrolment.objects.filter(member=member).exists()
    assert Thread.objects.count() == 3
    assert Contribution.objects.filter(member=member).exists()
