from rest_framework.permissions import SAFE_METHODS, DjangoModelPermissionsOrAnonReadOnly


class StaffModelPermissionsOrReadOnly(DjangoModelPermissionsOrAnonReadOnly):
    """Reads for everyone; writes for active staff holding the model permission, as in the admin."""

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        if not super().has_permission(request, view):
            return False
        return bool(request.user.is_staff)
