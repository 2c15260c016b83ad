from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

PAGE_SIZE_MESSAGE = "Размер страницы — целое число больше нуля (больше {maximum} — это {maximum})."


class RegistryPagination(PageNumberPagination):
    """Page-number pagination; clients choose `page_size`, a positive integer, and get at most
    `max_page_size` rows (a larger size is that bound, as the schema says). Anything else is
    refused (400) rather than quietly replaced by the default (issue 20); an empty value is
    the default."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param, "")
        if raw == "":
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if size < 1:
            message = PAGE_SIZE_MESSAGE.format(maximum=self.max_page_size)
            raise ValidationError({self.page_size_query_param: [message]})
        return min(size, self.max_page_size)
