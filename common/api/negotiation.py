from rest_framework.negotiation import DefaultContentNegotiation


class FormatFirstContentNegotiation(DefaultContentNegotiation):
    """`?format=csv` wins over the Accept header, so a link or a curl default always works."""

    def select_renderer(self, request, renderers, format_suffix=None):
        format_query = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        if format_query:
            for renderer in renderers:
                if renderer.format == format_query:
                    return renderer, renderer.media_type
        return super().select_renderer(request, renderers, format_suffix)
