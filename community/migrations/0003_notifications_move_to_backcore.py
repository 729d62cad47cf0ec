"""Forum notifications and email choices move to backcore.notifications (shared by every app).
Existing rows are copied across before the old tables go, so no member loses their bell or
their email choice."""

from django.db import migrations

VERBS = {"reply": "replied in", "mention": "mentioned you in", "new_thread": "started"}


def copy_forward(apps, schema_editor):
    Old = apps.get_model("community", "Notification")
    OldPreference = apps.get_model("community", "NotificationPreference")
    New = apps.get_model("notifications", "Notification")
    NewPreference = apps.get_model("notifications", "NotificationPreference")
    batch = []
    for old in Old.objects.select_related("post").order_by("pk").iterator(chunk_size=2000):
        batch.append(
            New(
                recipient_id=old.recipient_id,
                topic="community",
                kind=old.kind,
                event_key=old.event_key,
                actor_id=old.post.author_id,
                actor_name=old.actor_name,
                verb=VERBS.get(old.kind, "posted in"),
                title=old.thread_title,
                url=f"/community/p/{old.post_id}/",
                created_at=old.created_at,
                read_at=old.read_at,
                emailed_at=old.emailed_at,
            )
        )
        if len(batch) >= 2000:
            New.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    New.objects.bulk_create(batch, ignore_conflicts=True)
    NewPreference.objects.bulk_create(
        [
            NewPreference(member_id=p.member_id, topic="community", email=p.email)
            for p in OldPreference.objects.all()
        ],
        ignore_conflicts=True,
    )


def copy_back(apps, schema_editor):
    New = apps.get_model("notifications", "Notification")
    NewPreference = apps.get_model("notifications", "NotificationPreference")
    Old = apps.get_model("community", "Notification")
    OldPreference = apps.get_model("community", "NotificationPreference")
    Post = apps.get_model("community", "Post")
    rows = New.objects.filter(topic="community", url__startswith="/community/p/")
    posts = set(Post.objects.values_list("pk", flat=True))
    batch = []
    for n in rows.iterator():
        post_id = int(n.url.strip("/").rsplit("/", 1)[-1] or 0)
        if post_id in posts and n.kind in VERBS:
            batch.append(
                Old(
                    recipient_id=n.recipient_id,
                    kind=n.kind,
                    event_key=n.event_key,
                    post_id=post_id,
                    actor_name=n.actor_name,
                    thread_title=n.title,
                    created_at=n.created_at,
                    read_at=n.read_at,
                    emailed_at=n.emailed_at,
                )
            )
    Old.objects.bulk_create(batch, ignore_conflicts=True)
    OldPreference.objects.bulk_create(
        [
            OldPreference(member_id=p.member_id, email=p.email)
            for p in NewPreference.objects.filter(topic="community")
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0002_seed_categories_and_coach_permissions"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(copy_forward, copy_back),
        migrations.DeleteModel(name="Notification"),
        migrations.DeleteModel(name="NotificationPreference"),
    ]
