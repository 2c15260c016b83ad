from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from clusters.choices import ClusterKind
from clusters.models import Industry
from common.qualifiers import Qualifier
from extraction.models import SourceText
from extraction.services import (
    ACCEPTED,
    REJECTED,
    highlight_segments,
    proposal_accept,
    proposal_reject,
    source_text_create,
)
from funding.choices import FundingSource
from regions.models import Region

QUALIFIER_CHOICES = Qualifier.choices
FIGURE_CHOICES = [
    ("students", "студенты"),
    ("graduates", "выпускники"),
    ("intake", "набор (приём) студентов"),
    ("workshops", "мастерские (учебно-производственные зоны)"),
    ("employers", "предприятия-работодатели"),
    ("colleges", "образовательные организации"),
    ("programmes", "образовательные программы"),
    ("area", "площадь, м²"),
]
SOURCE_CHOICES = [("unknown", "— не указан в тексте —"), *FundingSource.choices]


class SourceTextForm(forms.Form):
    title = forms.CharField(label="Заголовок", max_length=500)
    publisher = forms.CharField(label="Издатель", max_length=300, required=False)
    published_on = forms.DateField(
        label="Дата публикации",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Пусто, если дата неизвестна.",
    )
    url = forms.URLField(label="Ссылка", max_length=500, required=False, assume_scheme="https")
    document_ref = forms.CharField(label="Реквизиты документа", max_length=300, required=False)
    text = forms.CharField(
        label="Текст",
        widget=forms.Textarea(attrs={"rows": 22, "cols": 100}),
        help_text="Вставьте текст пресс-релиза или новости целиком.",
        max_length=200_000,
    )


def _messages_of(error: ValidationError | PermissionDenied) -> list[str]:
    if isinstance(error, PermissionDenied):
        return [str(error) or "Недостаточно прав."]
    if hasattr(error, "message_dict"):
        return [m for values in error.message_dict.values() for m in values]
    return list(error.messages)


@admin.register(SourceText)
class SourceTextAdmin(admin.ModelAdmin):
    list_display = ["source", "created_by", "created_at", "pending"]
    list_select_related = ["source", "created_by"]
    search_fields = ["source__title", "text"]
    readonly_fields = ["source", "text", "created_by", "extracted_at"]

    @admin.display(description="ждут решения")
    def pending(self, obj: SourceText) -> int:
        return sum(
            1
            for group in ("clusters", "money", "figures")
            for item in obj.proposals.get(group, [])
            if item["status"] not in (ACCEPTED, REJECTED)
        )

    def get_urls(self):
        review = self.admin_site.admin_view(self.review_view)
        return [
            path("<int:pk>/review/", review, name="extraction_sourcetext_review"),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = SourceTextForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                source_text = source_text_create(actor=request.user, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as error:
                for message in _messages_of(error):
                    form.add_error(None, message)
            else:
                messages.success(request, "Источник сохранён. Проверьте предложенные сведения.")
                return HttpResponseRedirect(
                    reverse("admin:extraction_sourcetext_review", args=[source_text.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": "Новый источник из текста",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "extraction/sourcetext_add.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return HttpResponseRedirect(reverse("admin:extraction_sourcetext_review", args=[object_id]))

    def review_view(self, request, pk: int):
        source_text = get_object_or_404(SourceText.objects.select_related("source"), pk=pk)
        if not self.has_view_permission(request, source_text):
            raise PermissionDenied
        if request.method == "POST":
            if not self.has_change_permission(request, source_text):
                raise PermissionDenied
            item_id = request.POST.get("item", "")
            try:
                if request.POST.get("action") == "reject":
                    proposal_reject(actor=request.user, source_text=source_text, item_id=item_id)
                    messages.info(request, "Предложение отклонено.")
                else:
                    record = proposal_accept(
                        actor=request.user,
                        source_text=source_text,
                        item_id=item_id,
                        edits=_edits(request.POST, item_id),
                    )
                    messages.success(request, f"Принято как черновик: {record}.")
            except (ValidationError, PermissionDenied) as error:
                for message in _messages_of(error):
                    messages.error(request, f"Не принято: {message}")
            return HttpResponseRedirect(request.path + f"#item-{item_id}")
        proposals = source_text.proposals
        clusters = proposals.get("clusters", [])
        names = {c["id"]: c["base_college"]["name"] for c in clusters}
        for group in ("money", "figures"):
            for item in proposals.get(group, []):
                keys = item.get("clusters") or ([item["cluster"]] if item.get("cluster") else [])
                item["scope_key"] = ",".join(keys)
                item["scope_label"] = (
                    ("совместно: " if len(keys) > 1 else "") + "; ".join(names[k] for k in keys)
                    if keys
                    else "не относится к кластеру"
                )
        scopes = [(c["id"], names[c["id"]]) for c in clusters]
        if len(clusters) > 1:
            scopes.append((",".join(c["id"] for c in clusters), "совместно для всех кластеров"))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Проверка сведений: {source_text.source}",
            "source_text": source_text,
            "segments": highlight_segments(source_text.text, proposals),
            "clusters": clusters,
            "money": proposals.get("money", []),
            "figures": proposals.get("figures", []),
            "unassigned_employers": proposals.get("unassigned_employers", []),
            "scopes": scopes,
            "regions": Region.objects.order_by("name").values_list("pk", "name"),
            "industries": Industry.objects.order_by("name").values_list("slug", "name"),
            "kinds": ClusterKind.choices,
            "qualifiers": QUALIFIER_CHOICES,
            "funding_sources": SOURCE_CHOICES,
            "figure_kinds": FIGURE_CHOICES,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "extraction/sourcetext_review.html", context)


def _edits(post, item_id: str) -> dict:
    """The staff edits of one proposal's form: its fields without the `<item>-` prefix."""
    prefix = f"{item_id}-"
    edits = {key[len(prefix) :]: value for key, value in post.items() if key.startswith(prefix)}
    # Unticked checkboxes are absent from a POST: the form lists the ones it shows.
    for name in post.get(f"{prefix}checkboxes", "").split(","):
        if name:
            edits[name] = f"{prefix}{name}" in post
    edits.pop("checkboxes", None)
    if "clusters" in edits:
        edits["clusters"] = [k for k in edits["clusters"].split(",") if k]
    return edits
