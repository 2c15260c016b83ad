from rest_framework.pagination import PageNumberPagination


class RegistryPagination(PageNumberPagination):
    """Page-number pagination; clients choose `page_size` up to a bound."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
