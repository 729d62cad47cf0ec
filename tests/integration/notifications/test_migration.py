import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from backcore.notifications.models import Notification, NotificationPreference
from tests.factories import MemberFactory

OLD = [("community", "0002_seed_categories_and_coach_permissions")]
NEW = [("community", "0003_notifications_move_to_backcore")]


@pytest.fixture
def back_to_latest():
    """The schema goes back to the latest migrations afterwards: later tests on this database
    (the next ones on the same parallel worker) need every column."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    # Tables the round trip re-created restart their ids at 1: move them past the rows.
    from django.apps import apps
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
            cursor.execute(sql)


@pytest.mark.django_db(transaction=True)
def test_moving_notifications_to_backcore_keeps_every_row(back_to_latest):
    reader, writer = MemberFactory(), MemberFactory()
    executor = MigrationExecutor(connection)
    executor.migrate(OLD)
    old_apps = executor.loader.project_state(OLD).apps
    Category = old_apps.get_model("community", "Category")
    Thread = old_apps.get_model("community", "Thread")
    Post = old_apps.get_model("community", "Post")
    OldNotification = old_apps.get_model("community", "Notification")
    OldPreference = old_apps.get_model("community", "NotificationPreference")
    category = Category.objects.first()
    thread = Thread.objects.create(
        category=category, author_id=writer.pk, author_name="Writer", title="Old thread"
    )
    post = Post.objects.create(thread=thread, author_id=writer.pk, author_name="Writer", body="x")
    OldNotification.objects.create(
        recipient_id=reader.pk,
        kind="mention",
        event_key=f"post:{post.pk}",
        post=post,
        actor_name="Writer",
        thread_title="Old thread",
    )
    OldPreference.objects.create(member_id=reader.pk, email="digest")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(NEW)

    note = Notification.objects.get(recipient=reader)
    assert (note.topic, note.kind, note.event_key) == ("community", "mention", f"post:{post.pk}")
    assert note.summary == "Writer mentioned you in “Old thread”"
    assert note.url == f"/community/p/{post.pk}/" and note.actor_id == writer.pk
    assert note.read_at is None
    pref = NotificationPreference.objects.get(member=reader)
    assert (pref.topic, pref.email) == ("community", "digest")
