"""Form fields and widgets the admin shares: money typed the Russian way, read exactly."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from common.money import AMOUNT, NUMBER, format_rub_input, parse_rub


class RubleAmountInput(forms.TextInput):
    """A text input for roubles (never a browser number field, which misreads «17 000 000,50»).

    Next to an existing amount it can show two companions the form asks for: the reason
    of a change (`<name>_reason`) and, after a tenfold jump, a confirmation (`<name>_confirm`).
    """

    template_name = "common/widgets/ruble_amount.html"

    def __init__(self, attrs=None):
        base = {"inputmode": "decimal", "autocomplete": "off", "class": "vRubField", "size": 14}
        super().__init__({**base, **(attrs or {})})
        self.ask_reason = False
        self.reason_hidden = True
        self.reason_value = ""
        self.ask_confirm = False

    def format_value(self, value):
        if isinstance(value, Decimal | int):
            return format_rub_input(value)
        return super().format_value(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"].update(
            ask_reason=self.ask_reason,
            reason_hidden=self.reason_hidden,
            reason_value=self.reason_value,
            ask_confirm=self.ask_confirm,
            reason_name=f"{name}_reason",
            confirm_name=f"{name}_confirm",
        )
        return context


class RussianDecimalField(forms.DecimalField):
    """A number typed the Russian way («1 500», «2,5») read exactly or refused, in a text input."""

    widget = RubleAmountInput
    heading = NUMBER

    def __init__(self, *, localize=False, **kwargs):
        kwargs.pop("widget", None)
        super().__init__(widget=RubleAmountInput, **kwargs)

    def to_python(self, value):
        if isinstance(value, Decimal) or value in self.empty_values:
            return value if isinstance(value, Decimal) else None
        return parse_rub(str(value), self.heading)

    def widget_attrs(self, widget):
        # DecimalField would add step/min/max for a number input; a text input needs none.
        return {}


class RubleAmountField(RussianDecimalField):
    """A sum in roubles read by `common.money.parse_rub`: exact or refused, never guessed."""

    heading = AMOUNT
