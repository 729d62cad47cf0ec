import factory
from allauth.account.models import EmailAddress

from backcore.accounts.models import Membership, Profile, User
from backcore.accounts.services import coach_add

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def profile(obj, create, extracted, **kwargs):
        if create:
            Profile.objects.get_or_create(user=obj, defaults={"display_name": f"Person {obj.pk}"})
            EmailAddress.objects.get_or_create(
                user=obj, email=obj.email, defaults={"verified": True, "primary": True}
            )


class MemberFactory(UserFactory):
    @factory.post_generation
    def membership(obj, create, extracted, **kwargs):
        if create:
            Membership.objects.get_or_create(user=obj, defaults={"source": extracted or "free"})


class CoachFactory(UserFactory):
    @factory.post_generation
    def coach(obj, create, extracted, **kwargs):
        if create:
            coach_add(user=obj)
