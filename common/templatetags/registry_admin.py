"""Admin template helpers: Russian titles and inline links, the saved name of an inline row."""

from __future__ import annotations

import json

from django import template
from django.utils.text import capfirst

from common.wording import accusative, admin_title, another

register = template.Library()


@register.filter(name="accusative")
def accusative_filter(verbose_name) -> str:
    return accusative(verbose_name)


@register.simple_tag(takes_context=True)
def registry_title(context) -> str:
    """The page title with the model's name declined: «Изменить строку финансирования»."""
    title = context.get("title") or ""
    opts = context.get("opts")
    return admin_title(title, opts.verbose_name) if opts is not None else str(title)


@register.simple_tag
def inline_formset_data(inline_admin_formset) -> str:
    """Django's data for inlines.js, with «Добавить ещё одну строку финансирования»."""
    data = json.loads(inline_admin_formset.inline_formset_data())
    data["options"]["addText"] = capfirst(
        f"добавить {another(inline_admin_formset.opts.verbose_name)}"
    )
    return json.dumps(data, ensure_ascii=False)


@register.simple_tag
def saved_original(inline_admin_form) -> str:
    """An inline row's name as saved, not as just (and perhaps wrongly) typed.

    After a refused save the form has already copied the typed values onto its instance;
    a changed row is read again from the database, so its header never shows a rejected
    value as if it were stored. Costs one query per changed row of a refused save only.
    """
    original = inline_admin_form.original
    form = inline_admin_form.form
    if original is None:
        return ""
    if form.is_bound and original.pk and form.has_changed():
        saved = type(original)._base_manager.filter(pk=original.pk).first()
        return str(saved) if saved is not None else str(original)
    return str(original)


@register.simple_tag
def record_link(reference: str | None):
    """A record written by the press-release assistant («funding.fundingline:88», as the
    proposals store it), as staff read it: its model's name and number, linked to its page
    in the admin — never the internal reference itself."""
    from django.apps import apps
    from django.urls import NoReverseMatch, reverse
    from django.utils.html import format_html

    label, _, pk = (reference or "").partition(":")
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return "запись"
    name = capfirst(str(model._meta.verbose_name))
    opts = model._meta
    try:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])
    except NoReverseMatch:
        return f"{name} № {pk}"
    return format_html('<a href="{}">{} № {}</a>', url, name, pk)
