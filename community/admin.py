from django.contrib import admin

from backcore.admin_labels import LabelledListEditableAdmin, LabelledTabularInline
from community.models import Category, Post, PostRevision, Report, Thread


@admin.register(Category)
class CategoryAdmin(LabelledListEditableAdmin):
    list_display = [
        "name",
        "order",
        "who_can_start",
        "new_member_posts_need_approval",
        "thread_count",
    ]
    list_editable = ["order", "who_can_start", "new_member_posts_need_approval"]
    prepopulated_fields = {"slug": ["name"]}
    fields = [
        "name",
        "slug",
        "description",
        "order",
        "who_can_start",
        "new_member_posts_need_approval",
    ]


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "category",
        "author_name",
        "is_pinned",
        "is_locked",
        "is_hidden",
        "last_post_at",
    ]
    list_filter = ["category", "is_pinned", "is_locked", "is_hidden"]
    search_fields = ["title"]
    readonly_fields = [
        "author",
        "author_name",
        "reply_count",
        "last_post",
        "last_post_at",
        "created_at",
    ]


class RevisionInline(LabelledTabularInline):
    model = PostRevision
    extra = 0
    can_delete = False
    readonly_fields = ["body", "edited_by_name", "created_at"]
    exclude = ["edited_by"]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "thread",
        "author_name",
        "created_at",
        "is_approved",
        "is_hidden",
        "is_deleted",
    ]
    list_filter = ["is_approved", "is_hidden", "is_deleted"]
    readonly_fields = ["thread", "author", "author_name", "body_html", "created_at", "edited_at"]
    inlines = [RevisionInline]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["pk", "post", "status", "created_at"]
    list_filter = ["status"]
    readonly_fields = ["post", "reporter", "reason", "created_at"]
