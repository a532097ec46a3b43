"""Static addresses: the manifest's hashed names, each worked out once."""

from __future__ import annotations

import json
from unittest import mock

import pytest
from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage

from config.staticfiles import StaticFilesStorage
from tests.test_settings import production, read_settings

MANIFEST = {"version": "1.1", "hash": "0", "paths": {"js/app.js": "js/app.5f3c.js"}}


@pytest.fixture
def storage(tmp_path) -> StaticFilesStorage:
    (tmp_path / "staticfiles.json").write_text(json.dumps(MANIFEST))
    return StaticFilesStorage(location=tmp_path, base_url="/static/")


def test_an_address_is_the_manifests_and_is_worked_out_once(storage):
    # Django's own manifest storage, which the patch below leaves alone.
    plain = ManifestStaticFilesStorage(location=storage.location, base_url="/static/")
    with mock.patch.object(
        CompressedManifestStaticFilesStorage,
        "url",
        autospec=True,
        side_effect=lambda self, name, force=False: plain.url(name, force),
    ) as worked_out:
        addresses = [storage.url("js/app.js") for _ in range(3)]
    assert addresses == ["/static/js/app.5f3c.js"] * 3 == [plain.url("js/app.js")] * 3
    assert worked_out.call_count == 1


def test_a_file_missing_from_the_manifest_is_refused_every_time(storage):
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("js/no-such-file.js")
    assert storage.url("js/app.js") == "/static/js/app.5f3c.js"


def test_production_serves_static_files_through_it(tmp_path):
    shown = "from django.conf import settings; print(settings.STORAGES['staticfiles'])"
    result = read_settings(shown, tmp_path, **production())
    assert result.returncode == 0, result.stderr
    assert "config.staticfiles.StaticFilesStorage" in result.stdout
