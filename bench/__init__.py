"""``make bench``: the portal's browse pages against a bare Django view, served by gunicorn."""
