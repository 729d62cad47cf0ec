import uuid

from django import forms

from payments.models import Contribution
from payments.money import amount_error, format_minor, to_minor

CUSTOM = "custom"


class JoinForm(forms.Form):
    amount = forms.ChoiceField(label="Choose an amount", widget=forms.RadioSelect)
    custom_amount = forms.CharField(
        label="Your amount",
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text="For example 7 or 12.50.",
    )
    frequency = forms.ChoiceField(
        label="How often",
        choices=[(Contribution.Kind.ONE_TIME, "Once"), (Contribution.Kind.MONTHLY, "Every month")],
        initial=Contribution.Kind.ONE_TIME,
        required=False,
        widget=forms.RadioSelect,
    )
    nonce = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    next = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)

    def __init__(self, *args, amounts: list[int], currency: str, paid_enabled: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.currency = currency
        self.paid_enabled = paid_enabled
        if 0 not in amounts:
            amounts = [0, *amounts]
        self.fields["amount"].choices = [
            (
                str(a),
                f"{format_minor(0, currency)} — nothing for now"
                if a == 0
                else format_minor(a, currency),
            )
            for a in amounts
        ] + [(CUSTOM, "Another amount")]
        self.fields["amount"].initial = (
            "0" if not paid_enabled else str(amounts[min(2, len(amounts) - 1)])
        )
        self.fields["nonce"].initial = uuid.uuid4().hex

    def clean(self):
        data = super().clean()
        choice = data.get("amount")
        if choice is None:
            return data
        if choice == CUSTOM:
            raw = (data.get("custom_amount") or "").strip()
            if not raw:
                self.add_error("custom_amount", "Enter the amount you would like to give, or 0.")
                return data
            try:
                amount_minor = to_minor(raw, self.currency)
            except ValueError as exc:
                self.add_error("custom_amount", str(exc))
                return data
        else:
            amount_minor = int(choice)
        problem = amount_error(amount_minor, self.currency)
        if problem:
            self.add_error("custom_amount" if choice == CUSTOM else "amount", problem)
            return data
        if amount_minor > 0 and not self.paid_enabled:
            self.add_error(
                "amount",
                "Card payments are not switched on for this site yet. Choose 0 to join now.",
            )
            return data
        data["amount_minor"] = amount_minor
        data["kind"] = data.get("frequency") or Contribution.Kind.ONE_TIME
        return data


class MonthlyAmountForm(forms.Form):
    amount = forms.CharField(
        label="New monthly amount",
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )

    def __init__(self, *args, currency: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.currency = currency

    def clean_amount(self) -> int:
        try:
            amount_minor = to_minor(self.cleaned_data["amount"], self.currency)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        if amount_minor == 0:
            raise forms.ValidationError("To stop paying, cancel the monthly contribution instead.")
        problem = amount_error(amount_minor, self.currency)
        if problem:
            raise forms.ValidationError(problem)
        return amount_minor
