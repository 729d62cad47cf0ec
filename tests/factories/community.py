import factory
from django.utils import timezone

from backcore.markdown import render
from community.models import Category, Post, Thread
from tests.factories.accounts import MemberFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Test category {n}")
    slug = factory.Sequence(lambda n: f"test-category-{n}")
    description = "A category for tests."
    order = factory.Sequence(lambda n: 100 + n)


class ThreadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Thread

    category = factory.SubFactory(CategoryFactory)
    title = factory.Sequence(lambda n: f"Thread number {n}")
    author = factory.SubFactory(MemberFactory)
    author_name = factory.LazyAttribute(
        lambda o: o.author.public_name if o.author else "former member"
    )
    last_post_at = factory.LazyFunction(timezone.now)


class PostFactory(factory.django.DjangoModelFactory):
    """A post written straight to the database (no counters, no notifications).
    Use `community.services` in tests that are about posting itself."""

    class Meta:
        model = Post

    thread = factory.SubFactory(ThreadFactory)
    author = factory.SubFactory(MemberFactory)
    author_name = factory.LazyAttribute(
        lambda o: o.author.public_name if o.author else "former member"
    )
    body = factory.Sequence(lambda n: f"Post body number {n} with **some** markdown.")
    body_html = factory.LazyAttribute(lambda o: render(o.body))
    # Nothing pending for the notification sweeper: a factory post notifies nobody.
    notified_at = factory.LazyAttribute(lambda o: getattr(o, "created_at", None) or timezone.now())
