import json

import pytest

from opportunities.models import SavedSearch, SavedSearchHit
from opportunities.services import saved_search_create, saved_search_digests
from portal.models import OutboundEmail
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_download_my_data_lists_my_saved_searches_only(client, alice, bob):
    saved_search_create(user=alice, query="q=robotics&remote=yes")
    saved_search_create(user=bob, query="q=marketing")
    client.force_login(alice)
    data = json.loads(client.post("/profile/data/").content)
    searches = data["opportunities"]["saved_searches"]
    assert [(s["query"], s["emailed"]) for s in searches] == [("q=robotics&remote=yes", True)]
    assert "marketing" not in json.dumps(data)


def test_deleting_the_account_removes_saved_searches_and_their_digests(client, alice, bob, password):
    search, _ = saved_search_create(user=alice, query="")
    saved_search_create(user=bob, query="")
    SavedSearch.objects.update(last_digest_at="2020-01-01T00:00:00Z")
    ProjectFactory()
    client.force_login(alice)
    client.post("/profile/delete/", {"password": password})
    assert not SavedSearch.objects.filter(user=alice).exists()
    assert not SavedSearchHit.objects.filter(search_id=search.pk).exists()
    saved_search_digests()
    assert list(OutboundEmail.objects.values_list("recipient", flat=True)) == ["bob@example.edu"]
