"""factory_boy factories. Each app adds a module here; import them from this package."""

from tests.factories.accounts import CoachFactory, MemberFactory, UserFactory  # noqa: F401
from tests.factories.community import CategoryFactory, PostFactory, ThreadFactory  # noqa: F401
from tests.factories.exercises import ExerciseFactory, ExerciseImageFactory  # noqa: F401
from tests.factories.payments import ContributionFactory, WebhookEventFactory  # noqa: F401
from tests.factories.programs import IntakeFactory, enrol  # noqa: F401
