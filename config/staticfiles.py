"""Static files as WhiteNoise serves them (hashed names, compressed copies),
with each file's address worked out once per process.

ManifestStaticFilesStorage reads its manifest when it starts and never
again, so a name's hashed address cannot change while the process runs; yet
it works the address out afresh on every `{% static %}` (splitting, quoting
and joining URLs): about 12 µs each, and every page's layout has seven. The
addresses are kept here instead, as the manifest is.
"""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage

# Far more than the app's static files; a name past this is worked out as before.
MAX_KEPT = 1024


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        try:
            return self._urls[name]
        except KeyError:
            url = super().url(name)  # a missing file raises, and is not kept
            if len(self._urls) < MAX_KEPT:
                self._urls[name] = url
            return url
