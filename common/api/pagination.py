from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

PAGE_SIZE_MESSAGE = "Размер страницы — целое число от 1 до {maximum}."


class RegistryPagination(PageNumberPagination):
    """Page-number pagination; clients choose `page_size` from 1 to a bound. Any other value
    is refused (400), as the schema says, rather than quietly replaced (issue 20); an empty
    one is the default."""

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
        if not 1 <= size <= self.max_page_size:
            message = PAGE_SIZE_MESSAGE.format(maximum=self.max_page_size)
            raise ValidationError({self.page_size_query_param: [message]})
        return size
