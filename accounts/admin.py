from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from accounts.models import StaffProfile


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    filter_horizontal = ["regions"]
    verbose_name = "субъекты сотрудника"
    verbose_name_plural = "субъекты сотрудника (для регионального редактора)"


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    inlines = [StaffProfileInline]
    list_display = ["username", "email", "is_staff", "is_active", "roles"]
    list_filter = ["is_staff", "is_active", "groups"]

    @admin.display(description="роли")
    def roles(self, obj) -> str:
        return ", ".join(g.name for g in obj.groups.all()) or "—"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")
