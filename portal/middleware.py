from django.conf import settings

from .views import uri_too_long


class UriTooLongMiddleware:
    """Our own 414 page for an address longer than ``MAX_URI_LENGTH``: gunicorn reads request
    lines up to 8190 bytes (Procfile) and leaves the answer to us below that."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = len(request.META.get("PATH_INFO", "")) + len(request.META.get("QUERY_STRING", ""))
        if length > settings.MAX_URI_LENGTH:
            return uri_too_long(request)
        return self.get_response(request)
