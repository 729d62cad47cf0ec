from django import forms

from backcore.notifications.models import EmailMode, Topic


class PreferencesForm(forms.Form):
    community = forms.ChoiceField(
        label="Community: replies, mentions and new threads",
        choices=EmailMode.choices,
        widget=forms.RadioSelect,
    )
    coaching = forms.ChoiceField(
        label="Coaching: messages from your coaches (and, for coaches, member alerts)",
        choices=EmailMode.choices,
        widget=forms.RadioSelect,
        help_text="Urgent safety alerts to coaches are always emailed at once.",
    )

    TOPICS = (Topic.COMMUNITY, Topic.COACHING)
