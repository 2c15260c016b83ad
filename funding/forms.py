from django.forms import BaseInlineFormSet


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
