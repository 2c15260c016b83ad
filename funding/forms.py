from decimal import Decimal

from django import forms
from django.forms import BaseInlineFormSet

from common.forms import RubleAmountField
from common.templatetags.ru_format import format_rub
from funding.models import LINE_FIELDS, FundingLine

TENFOLD = Decimal(10)


def is_tenfold_change(old: Decimal, new: Decimal) -> bool:
    """True when `new` is ten or more times `old` (either way), or wipes a non-zero sum."""
    if not old:
        return False
    if not new:
        return True
    return new / old >= TENFOLD or old / new >= TENFOLD


class FundingLineForm(forms.ModelForm):
    """A funding line with a safe amount: read exactly, a reason for any change of an
    existing sum, and an explicit confirmation for a change of ten times or more."""

    class Meta:
        model = FundingLine
        fields = LINE_FIELDS
        field_classes = {"amount_rub": RubleAmountField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.saved_amount = self.instance.amount_rub if self.instance.pk else None
        field = self.fields.get("amount_rub")
        if field is not None and self.saved_amount is not None:
            field.widget.ask_reason = True
            field.widget.reason_value = self.change_reason
            field.widget.reason_hidden = not self.change_reason

    def _companion(self, suffix: str) -> str:
        return (self.data.get(f"{self.add_prefix('amount_rub')}_{suffix}") or "").strip()

    @property
    def change_reason(self) -> str:
        return self._companion("reason")[:100] if self.is_bound else ""

    def clean(self):
        cleaned = super().clean()
        old, new = self.saved_amount, cleaned.get("amount_rub")
        if old is None or new is None or new == old:
            return cleaned
        widget = self.fields["amount_rub"].widget
        if not self.change_reason:
            widget.reason_hidden = False
            self.add_error(
                "amount_rub",
                f"Сумма меняется: {format_rub(old)} → {format_rub(new)}. "
                "Укажите причину изменения — она останется в истории.",
            )
        if is_tenfold_change(old, new) and not self._companion("confirm"):
            widget.ask_confirm = True
            self.add_error(
                "amount_rub",
                f"Новая сумма {format_rub(new)} отличается от прежней {format_rub(old)} "
                "в десять раз или больше. Если это не опечатка, отметьте «да, сумма верна» "
                "и сохраните ещё раз.",
            )
        # django-simple-history writes the reason into the history record of this save.
        self.instance._change_reason = self.change_reason or None
        return cleaned


class ClusterFundingLineFormSet(BaseInlineFormSet):
    """Funding lines edited on a cluster's page take the cluster's region."""

    def _set_region(self, form) -> None:
        form.instance.region_id = self.instance.region_id

    def save_new(self, form, commit=True):
        self._set_region(form)
        return super().save_new(form, commit)

    def save_existing(self, form, obj, commit=True):
        self._set_region(form)
        return super().save_existing(form, obj, commit)
