"""Saved searches in "Download my data" and "Delete my account" (see ``portal.data_rights``).

A deleted account's searches go with it: nothing is kept, and no digest is mailed to the
anonymous shell that stays behind.
"""

from .models import SavedSearch


def export(user):
    return {
        "saved_searches": [
            {
                "name": search.name,
                "query": search.query,
                "emailed": search.active,
                "saved_at": search.created_at.isoformat(),
                "last_digest_at": search.last_digest_at.isoformat(),
            }
            for search in SavedSearch.objects.filter(user=user).order_by("created_at", "pk")
        ]
    }


def erase(user):
    SavedSearch.objects.filter(user=user).delete()
