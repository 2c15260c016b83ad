"""Form widgets of the public pages, written in Python instead of a template per option.

Django renders a `<select>` through `select.html`, which includes `select_option.html` (and
`attrs.html`) once per option: the catalogue's filters have ~120 options, and those includes
were most of the page's rendering time. `QuickSelect` takes the same context from Django
(`get_context`: the option list, values, labels, the selected flag, every attribute) and writes
the bytes those templates write; `tests/common/test_widgets.py` holds the two equal.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


def _attrs(attrs: dict[str, Any]) -> str:
    """`django/forms/widgets/attrs.html`: ` name="value"`, a bare name for True, none for False."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {conditional_escape(name)}")
        else:
            out.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(out)


class QuickSelect(forms.Select):
    """`forms.Select` with the HTML of Django's templates, written without them."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        out = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in group_choices:  # the option template's own last line break kept
                out.append(
                    f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                    f"{_attrs(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
                )
            if group_name:
                out.append("\n  </optgroup>")
        out.append("\n</select>")
        return mark_safe("".join(out))


def quick_selects(form: forms.BaseForm) -> forms.BaseForm:
    """The form, each of its plain `Select` widgets rendering as `QuickSelect` (the same
    widget state: choices, attributes; only how it writes its HTML changes)."""
    for field in form.fields.values():
        if type(field.widget) is forms.Select:
            field.widget.__class__ = QuickSelect
    return form
