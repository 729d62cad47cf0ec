"""Production static URLs (backcore/staticfiles.py): the manifest's hashed name, worked out
once per file; unchanged behaviour in DEBUG and for names the manifest lacks."""

import json
from unittest import mock

import pytest
from django.contrib.staticfiles.storage import ManifestFilesMixin

from backcore.staticfiles import RememberedURLsStaticFilesStorage


@pytest.fixture
def storage(tmp_path, settings):
    settings.DEBUG = False
    manifest = {"paths": {"css/site.css": "css/site.0a1b2c3d4e5f.css"}, "version": "1.1"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return RememberedURLsStaticFilesStorage(location=str(tmp_path), base_url="/static/")


def test_a_files_url_is_the_manifests_and_worked_out_once(storage):
    calls = []
    original = ManifestFilesMixin.url

    def counted(self, name, force=False):
        calls.append(name)
        return original(self, name, force)

    with mock.patch.object(ManifestFilesMixin, "url", counted):
        assert storage.url("css/site.css") == "/static/css/site.0a1b2c3d4e5f.css"
        assert storage.url("css/site.css") == "/static/css/site.0a1b2c3d4e5f.css"
    assert calls == ["css/site.css"]


def test_a_file_missing_from_the_manifest_still_fails_every_time(storage):
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/missing.css")


def test_debug_is_not_remembered(storage, settings):
    settings.DEBUG = True
    assert storage.url("css/site.css") == "/static/css/site.css"
    settings.DEBUG = False
    assert storage.url("css/site.css") == "/static/css/site.0a1b2c3d4e5f.css"
