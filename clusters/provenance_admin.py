"""Admin of facts from many sources: disagreements between sources (both values, both
sources, both quotes side by side; the decision is a change with a reason in the history),
possible duplicates («возможно, это …»), merging two records into one, and undoing a merge.
Every decision goes through clusters/facts.py or clusters/merging.py."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from clusters import facts, merging
from clusters.choices import ConflictState, MatchState, MergeModel
from clusters.models import Citation, FactConflict, MatchProposal, Merge
from common.models import NoHiddenCharacters


def _refusal(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or "Недостаточно прав."


class _ReadOnlyGatedAdmin(admin.ModelAdmin):
    """Rows written only by services: seen through the gate, never edited as a form."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ConflictDecisionForm(forms.Form):
    state = forms.ChoiceField(
        label="Решение",
        widget=forms.RadioSelect,
        choices=[
            (ConflictState.KEPT, "Оставить значение реестра"),
            (ConflictState.REPLACED, "Принять значение источника"),
            (ConflictState.SEPARATE, "Записать сумму источника отдельной строкой (второй транш)"),
        ],
    )
    comment = forms.CharField(
        label="Обоснование",
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        validators=[NoHiddenCharacters(multiline=True)],
    )

    def __init__(self, *args, conflict: FactConflict, **kwargs):
        super().__init__(*args, **kwargs)
        if conflict.fact != "amount":
            self.fields["state"].choices = self.fields["state"].choices[:2]


@admin.register(FactConflict)
class FactConflictAdmin(_ReadOnlyGatedAdmin):
    list_display = [
        "label",
        "cluster",
        "kept_display",
        "proposed_display",
        "proposed_source",
        "state",
        "created_at",
    ]
    list_filter = ["state", "region"]
    list_select_related = ["cluster", "proposed_source", "region"]
    search_fields = ["label", "kept_display", "proposed_display", "cluster__name"]
    change_form_template = "admin/clusters/factconflict/decide.html"

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj)

    def kept_sources(self, conflict: FactConflict) -> list:
        """The sources that state the registry's value (the citations agreeing with it)."""
        if conflict.target_model == "clusters.cluster":
            return list(
                Citation.objects.filter(
                    cluster_id=conflict.target_id, fact=conflict.fact, value=conflict.kept_value
                ).select_related("source")
            )
        if conflict.target_model == "clusters.clustercollege":
            return list(
                Citation.objects.filter(cluster_college_id=conflict.target_id).select_related(
                    "source"
                )
            )
        if conflict.target_model == "funding.fundingline":
            from funding.models import FundingLineCitation

            return list(
                FundingLineCitation.objects.filter(line_id=conflict.target_id).select_related(
                    "source"
                )
            )
        return []

    def change_view(self, request, object_id, form_url="", extra_context=None):
        conflict = self.get_object(request, unquote(object_id))
        if conflict is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, conflict):
            raise PermissionDenied
        may_decide = (
            conflict.state == ConflictState.OPEN
            and FactConflict.objects.editable_by(request.user).filter(pk=conflict.pk).exists()
        )
        form = ConflictDecisionForm(request.POST or None, conflict=conflict)
        if request.method == "POST":
            if not may_decide:
                raise PermissionDenied
            if form.is_valid():
                try:
                    facts.conflict_resolve(
                        actor=request.user,
                        conflict=conflict,
                        state=form.cleaned_data["state"],
                        comment=form.cleaned_data["comment"],
                    )
                except (ValidationError, PermissionDenied) as exc:
                    form.add_error(None, _refusal(exc))
                else:
                    messages.success(request, "Решение записано.")
                    return HttpResponseRedirect(reverse("admin:clusters_factconflict_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Расхождение источников: {conflict.label}",
            "conflict": conflict,
            "kept_sources": self.kept_sources(conflict),
            "form": form,
            "may_decide": may_decide,
            "history_url": reverse("admin:clusters_factconflict_history", args=[conflict.pk]),
        }
        return TemplateResponse(request, self.change_form_template, context)


@admin.register(MatchProposal)
class MatchProposalAdmin(_ReadOnlyGatedAdmin):
    list_display = ["record_name", "other_name", "model", "region", "score", "reason", "state"]
    list_filter = ["state", "model", "region"]
    list_select_related = ["region"]
    search_fields = ["record_name", "other_name"]
    actions = ["merge_pairs", "mark_distinct"]

    def has_change_permission(self, request, obj=None):
        return False

    def _decide(self, request, queryset, state: str, done: str) -> None:
        count = 0
        for proposal in queryset:
            try:
                merging.match_proposal_decide(actor=request.user, proposal=proposal, state=state)
                count += 1
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, f"«{proposal}»: {_refusal(exc)}")
        if count:
            messages.success(request, f"{done}: {count}.")

    @admin.action(description="Объединить: это одна организация")
    def merge_pairs(self, request, queryset):
        self._decide(
            request, queryset.filter(state=MatchState.OPEN), MatchState.MERGED, "Объединено пар"
        )

    @admin.action(description="Это разные организации")
    def mark_distinct(self, request, queryset):
        self._decide(
            request,
            queryset.filter(state=MatchState.OPEN),
            MatchState.DISTINCT,
            "Отмечено как разные",
        )


@admin.register(Merge)
class MergeAdmin(_ReadOnlyGatedAdmin):
    list_display = ["merged_name", "kept_name", "model", "actor", "created_at", "reverted_at"]
    list_filter = ["model", "region"]
    list_select_related = ["actor", "region"]
    search_fields = ["merged_name", "kept_name"]
    actions = ["revert"]
    readonly_fields = [
        "model",
        "kept_link",
        "merged_name",
        "reason",
        "actor",
        "created_at",
        "reverted_at",
        "reverted_by",
    ]
    fields = readonly_fields

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="оставлена")
    def kept_link(self, merge: Merge):
        name = {
            MergeModel.COLLEGE: "clusters_college",
            MergeModel.EMPLOYER: "clusters_employer",
            MergeModel.CLUSTER: "clusters_cluster",
        }[merge.model]
        return format_html(
            '<a href="{}">{}</a>',
            reverse(f"admin:{name}_change", args=[merge.kept_id]),
            merge.kept_name,
        )

    @admin.action(description="Отменить объединение")
    def revert(self, request, queryset):
        for merge in queryset.filter(reverted_at__isnull=True):
            try:
                merging.merge_revert(actor=request.user, merge=merge)
                messages.success(
                    request, f"Объединение отменено: «{merge.merged_name}» снова отдельно."
                )
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, f"«{merge}»: {_refusal(exc)}")


class MergeForm(forms.Form):
    kept = forms.TypedChoiceField(label="Оставить запись", coerce=int, widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Обоснование",
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[NoHiddenCharacters(multiline=True)],
    )


class MergeActionMixin:
    """«Объединить выбранные»: two records that are one real thing become one; staff choose
    which to keep; the other's rows follow it (clusters/merging.py) and the merge can be
    undone under «Объединения записей»."""

    merge_template = "admin/clusters/merge_confirm.html"

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self.has_delete_permission(request):
            actions.pop("merge_selected", None)
        return actions

    @admin.action(description="Объединить выбранные (две записи одной организации)")
    def merge_selected(self, request, queryset):
        records = list(queryset[:3])
        if len(records) != 2:
            messages.error(request, "Выберите ровно две записи.")
            return None
        form = MergeForm(request.POST if "merge_confirm" in request.POST else None)
        form.fields["kept"].choices = [(r.pk, str(r)) for r in records]
        if "merge_confirm" in request.POST and form.is_valid():
            kept = next(r for r in records if r.pk == form.cleaned_data["kept"])
            merged = next(r for r in records if r.pk != kept.pk)
            try:
                merging.records_merge(
                    actor=request.user, kept=kept, merged=merged, reason=form.cleaned_data["reason"]
                )
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, _refusal(exc))
                return None
            messages.success(
                request,
                f"«{merged}» присоединена к «{kept}». Отменить можно в «Объединениях записей».",
            )
            return None
        return TemplateResponse(
            request,
            self.merge_template,
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": "Объединение записей",
                "records": records,
                "form": form,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


__all__ = ["FactConflictAdmin", "MatchProposalAdmin", "MergeActionMixin", "MergeAdmin"]
