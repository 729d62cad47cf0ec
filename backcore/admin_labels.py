"""Names for the inputs Django admin draws in table cells.

A tabular inline or a list_editable column shows its label once, in the column header, so each
cell's input has no label of its own (axe: `label`, `select-name`). These formsets give every
input an aria-label naming the column and the row ("Order, row 2"; "Position of €10")."""

from django.contrib import admin
from django.forms.models import BaseInlineFormSet, BaseModelFormSet
from django.utils.text import capfirst


def _label_row(form, row: str) -> None:
    for name, field in form.fields.items():
        if field.widget.is_hidden:
            continue
        column = "Delete" if name == "DELETE" else capfirst(str(field.label or name))
        field.widget.attrs["aria-label"] = f"{column}, {row}"


class LabelledInlineFormSet(BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        _label_row(form, "new row" if index is None else f"row {index + 1}")


class LabelledListEditableFormSet(BaseModelFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        _label_row(form, str(form.instance) if form.instance.pk else f"row {(index or 0) + 1}")


class LabelledTabularInline(admin.TabularInline):
    formset = LabelledInlineFormSet


class LabelledListEditableAdmin(admin.ModelAdmin):
    def get_changelist_formset(self, request, **kwargs):
        return super().get_changelist_formset(
            request, formset=LabelledListEditableFormSet, **kwargs
        )
