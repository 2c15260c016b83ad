from django import forms
from django.core.exceptions import ValidationError

from clusters.choices import CollegeRole
from clusters.models import ReportedFigure
from clusters.services import base_college_problem
from common.forms import RussianDecimalField


class ClusterCollegeFormSet(forms.BaseInlineFormSet):
    """A cluster has at most one base college, and a published cluster has exactly one."""

    def clean(self) -> None:
        super().clean()
        live = [
            form
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE", False)
        ]
        bases = sum(1 for form in live if form.cleaned_data.get("role") == CollegeRole.BASE)
        # The rule is the write service's; checked here too so the form shows it in place.
        problem = base_college_problem(
            bases=bases, is_published=getattr(self.instance, "is_published", False)
        )
        if problem:
            raise ValidationError(problem)
        colleges = [form.cleaned_data.get("college") for form in live]
        if len(colleges) != len(set(colleges)):
            raise ValidationError("Одна и та же организация указана в кластере дважды.")


class ReportedFigureForm(forms.ModelForm):
    """A reported figure whose value reads «153 000 000», not «153000000.00», and is typed so."""

    class Meta:
        model = ReportedFigure
        fields = ["kind", "value", "qualifier", "as_of", "source", "exact_wording", "note"]
        field_classes = {"value": RussianDecimalField}
