"""Static files as WhiteNoise stores them (compressed, names with their hashes), each address
worked out once per process.

``{% static %}`` asks the storage for a file's address on every render: the manifest looked up,
the name split, unquoted and joined again, tens of microseconds for the two files every page
links. The manifest does not change while a process runs, except through ``collectstatic``,
which forgets the addresses worked out before it.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        found = self._urls.get(name)
        if found is None:
            found = self._urls[name] = super().url(name)
        return found

    def post_process(self, *args, **kwargs):
        self._urls = {}
        yield from super().post_process(*args, **kwargs)
        self._urls = {}
