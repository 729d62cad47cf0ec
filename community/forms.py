from django import forms

from community.models import Category, Reaction, Report

BODY_HELP = (
    "Markdown works: **bold**, *italic*, > quotes, - lists, `code`, [links](https://…). "
    "Mention a member with @ and their name without spaces, e.g. @CoachRobin."
)


class PostForm(forms.Form):
    body = forms.CharField(
        label="Your message",
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=BODY_HELP,
    )
    attach_badge = forms.BooleanField(
        label="Attach my check-in (current streak and phase from my programme)",
        required=False,
    )

    def __init__(self, *args, badge_available: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not badge_available:
            del self.fields["attach_badge"]

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError("Write something before posting.")
        return body


class ThreadForm(PostForm):
    title = forms.CharField(label="Title", max_length=140, min_length=3)

    field_order = ["title", "body", "attach_badge"]


class EditPostForm(forms.Form):
    body = forms.CharField(
        label="Your message",
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=BODY_HELP,
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Reason", max_length=300)


class ReportForm(forms.Form):
    reason = forms.CharField(
        label="What's wrong with this post?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReportCloseForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(Report.Status.RESOLVED, "Resolve"), (Report.Status.DISMISSED, "Dismiss")]
    )
    note = forms.CharField(label="Note (optional)", max_length=300, required=False)


class MoveForm(forms.Form):
    category = forms.ModelChoiceField(
        label="Move to", queryset=Category.objects.order_by("order", "name"), to_field_name="slug"
    )


class ReactionForm(forms.Form):
    kind = forms.ChoiceField(choices=Reaction.Kind.choices)


class SearchForm(forms.Form):
    q = forms.CharField(label="Search the community", max_length=200, required=False)


class MilestoneShareForm(forms.Form):
    note = forms.CharField(
        label="Add a few words (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4, "aria-describedby": "id_note-help"}),
        help_text="What helped, or how it feels. Markdown works.",
    )
