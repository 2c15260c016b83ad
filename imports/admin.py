"""Admin door of imports: upload, preview every row, confirm, watch progress, see the result.

Also registers the site-wide action «Экспорт выбранного в XLSX» for every model admin.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from imports.choices import ImportKind, ImportStatus, RowStatus
from imports.exports import export_selected_xlsx
from imports.forms import ImportUploadForm
from imports.kinds import KINDS
from imports.models import ImportJob
from imports.services import import_job_create, import_job_schedule
from imports.templates import template_csv, template_xlsx

admin.site.add_action(export_selected_xlsx, "export_selected_xlsx")

PREVIEW_ROWS = 500  # rows a page of the preview shows


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "total_rows", "created_by", "created_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["created_by"]
    readonly_fields = [f.name for f in ImportJob._meta.fields if f.name != "content"]
    exclude = ["content"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).defer("content")
        if request.user.is_superuser:
            return queryset
        return queryset.filter(created_by=request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "template/<str:kind>.<str:ext>",
                self.admin_site.admin_view(self.template_view),
                name="imports_importjob_template",
            ),
            path(
                "<int:pk>/job/",
                self.admin_site.admin_view(self.job_view),
                name="imports_importjob_job",
            ),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            job = import_job_create(
                kind=form.cleaned_data["kind"],
                filename=upload.name,
                content=upload.read(),
                actor=request.user,
            )
            import_job_schedule(job=job, commit=False)
            return HttpResponseRedirect(self._job_url(job))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Загрузка таблицы",
            "form": form,
            "kinds": [(code, label, KINDS[code].columns) for code, label in ImportKind.choices],
        }
        return TemplateResponse(request, "imports/upload.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return HttpResponseRedirect(
            reverse("admin:imports_importjob_job", kwargs={"pk": object_id})
        )

    def _job_url(self, job: ImportJob) -> str:
        return reverse("admin:imports_importjob_job", kwargs={"pk": job.pk})

    def job_view(self, request, pk: int):
        job = get_object_or_404(self.get_queryset(request), pk=pk)
        if request.method == "POST":
            if not self.has_add_permission(request):
                raise PermissionDenied
            if job.status == ImportStatus.PREVIEWED:
                queued = import_job_schedule(job=job, commit=True)
                if queued:
                    messages.info(request, "Запись поставлена в очередь.")
            return HttpResponseRedirect(self._job_url(job))
        running = job.status in (
            ImportStatus.UPLOADED,
            ImportStatus.RUNNING,
            ImportStatus.COMMITTING,
        )
        # Every row, a page at a time, filtered by result if asked («?status=error»).
        wanted = request.GET.get("status", "")
        rows = [r for r in job.rows if not wanted or r["status"] == wanted]
        paginator = Paginator(rows, PREVIEW_ROWS)
        page = paginator.get_page(request.GET.get("page"))
        counts = [
            (code, RowStatus(code).label, job.counts.get(code, 0))
            for code in RowStatus.values
            if job.counts.get(code, 0)
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": str(job),
            "job": job,
            "running": running,
            "rows": page.object_list,
            "page": page,
            "wanted": wanted,
            "total_rows": len(job.rows),
            "counts": counts,
            "new_organisations": job.counts.get("new_organisations", 0),
            "conflicts": job.counts.get("conflicts", 0),
            "can_commit": job.status == ImportStatus.PREVIEWED and not job.error_count,
            "status_labels": dict(RowStatus.choices),
        }
        return TemplateResponse(request, "imports/job.html", context)

    def template_view(self, request, kind: str, ext: str):
        if kind not in KINDS or ext not in ("xlsx", "csv"):
            return HttpResponse(status=404)
        if ext == "xlsx":
            body = template_xlsx(kind, ImportKind(kind).label)
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            body, content_type = template_csv(kind), "text/csv; charset=utf-8"
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="template-{kind}.{ext}"'
        return response
