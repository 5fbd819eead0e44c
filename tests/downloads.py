from django.core.signals import request_finished
from django.db import close_old_connections


def read_download(response):
    """Read a streamed file response and close it the way the test client closes responses:
    closing fires ``request_finished``, which would otherwise close the test's database
    connection."""
    content = b"".join(response.streaming_content)
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    return content
