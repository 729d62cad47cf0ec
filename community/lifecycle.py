"""The community's part of the account lifecycle (registered in CommunityConfig.ready()).

Export: the member's threads, posts (with edits), reactions, reports, watches and reads. Deletion: posts and threads stay for the conversation, shown as written
by a "former member" (services.member_forget); the member's own forum state is removed.
"""

from backcore.accounts.lifecycle import Handling, OnDelete, PersonalData, export_row
from community.models import (
    CategoryWatch,
    MilestoneShare,
    Post,
    PostRevision,
    Reaction,
    Report,
    Thread,
    ThreadRead,
    ThreadWatch,
)
from community.services.privacy import member_forget

SKIP = frozenset({"member", "author", "reporter", "handled_by", "body_html"})


def _rows(queryset) -> list[dict]:
    return [export_row(row, skip=SKIP) for row in queryset]


def member_community_export(*, user) -> dict:
    """Everything the forum keeps about the member (one query per kind of record)."""
    return {
        "forum_threads": _rows(Thread.objects.filter(author=user).order_by("created_at")),
        "forum_posts": [
            export_row(p, skip=SKIP) | {"thread_title": p.thread.title}
            for p in Post.objects.filter(author=user).select_related("thread").order_by("id")
        ],
        "forum_post_edits": _rows(PostRevision.objects.filter(edited_by=user).order_by("id")),
        "forum_reactions": _rows(Reaction.objects.filter(member=user).order_by("id")),
        "forum_reports": _rows(Report.objects.filter(reporter=user).order_by("id")),
        "forum_thread_watches": _rows(ThreadWatch.objects.filter(member=user).order_by("id")),
        "forum_category_watches": _rows(CategoryWatch.objects.filter(member=user).order_by("id")),
        "forum_reads": _rows(ThreadRead.objects.filter(member=user).order_by("id")),
        "forum_milestone_shares": _rows(MilestoneShare.objects.filter(member=user).order_by("id")),
    }


def _forget(*, user) -> None:
    member_forget(user_id=user.pk)


PERSONAL_DATA = PersonalData(
    app="community",
    models={
        Thread: Handling(OnDelete.ANONYMISE, section="forum_threads"),
        Post: Handling(OnDelete.ANONYMISE, section="forum_posts"),
        PostRevision: Handling(OnDelete.ANONYMISE, section="forum_post_edits"),
        Reaction: Handling(OnDelete.DELETE, section="forum_reactions"),
        Report: Handling(OnDelete.ANONYMISE, section="forum_reports"),
        ThreadWatch: Handling(OnDelete.DELETE, section="forum_thread_watches"),
        CategoryWatch: Handling(OnDelete.DELETE, section="forum_category_watches"),
        ThreadRead: Handling(OnDelete.DELETE, section="forum_reads"),
        # Which milestone a thread shared goes with the account; the thread stays, anonymised.
        MilestoneShare: Handling(OnDelete.DELETE, section="forum_milestone_shares"),
    },
    export=member_community_export,
    forget=_forget,
)
