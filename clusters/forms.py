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


class OrganisationAddForm(forms.ModelForm):
    """Adding a college or employer: the shared matcher (clusters/matching.py) looks for it
    among the records the user may see first. The same organisation under another spelling
    is refused with a link to it; a possible one («возможно, это …») must be confirmed as
    another organisation — nothing is created as a silent duplicate."""

    is_distinct = forms.BooleanField(
        label="Это другая организация",
        required=False,
        help_text="Отметьте, если похожая запись, названная выше, — другая организация.",
    )
    user = None  # set by the admin (the gate decides which records the matcher sees)

    def clean(self):
        from clusters.matching import OrgIndex, college_names, employer_names

        cleaned = super().clean()
        model = self._meta.model
        name_field = "full_name" if model.__name__ == "College" else "name"
        name = cleaned.get(name_field)
        if not name or self.instance.pk is not None:
            return cleaned
        region = cleaned.get("region")
        index = OrgIndex(region_bound=name_field == "full_name")
        names = college_names if name_field == "full_name" else employer_names
        rows = model.objects.visible_to(self.user) if self.user is not None else model.objects
        if region is not None and name_field == "full_name":
            rows = rows.filter(region=region)
        for record in rows.only(
            "pk",
            "region_id",
            "inn",
            "aliases",
            *(["full_name", "short_name"] if name_field == "full_name" else ["name"]),
        ):
            index.add(pk=record.pk, names=names(record), region_id=record.region_id, inn=record.inn)
        found = index.find(name, region.pk if region else None, inn=cleaned.get("inn"))
        if found.sure is not None:
            raise ValidationError(
                f"Эта организация уже есть в реестре: «{found.sure.name}» ({found.reason}). "
                "Откройте её запись, а другое написание названия будет учтено при загрузках."
            )
        if found.near and not cleaned.get("is_distinct"):
            names_text = "», «".join(c.name for c, _ in found.near)
            raise ValidationError(
                f"Возможно, это «{names_text}». Если это другая организация, отметьте "
                "«Это другая организация» и сохраните снова."
            )
        return cleaned
