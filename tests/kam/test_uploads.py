"""Uploads: limits enforced by the server, files kept outside the static root and never served directly."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from performance import imports
from performance.models import ImportBatch

pytestmark = pytest.mark.django_db


def test_media_root_is_outside_every_static_folder():
    media = Path(settings.MEDIA_ROOT).resolve()
    for static in [Path(settings.STATIC_ROOT), *map(Path, settings.STATICFILES_DIRS)]:
        static = static.resolve()
        assert static not in media.parents and media != static and media not in static.parents


def test_request_bodies_and_in_memory_files_are_capped():
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024


def test_uploaded_files_are_not_reachable_under_a_media_url(client_for, account_manager):
    response = client_for(account_manager).get("/media/plan-attachments/1/anything.pdf")
    assert response.status_code == 404


def test_oversized_import_file_is_refused_and_nothing_is_stored(client_for, account_manager):
    big = SimpleUploadedFile("orders.csv", b"account,reference\n" + b"x" * imports.MAX_BYTES)
    response = client_for(account_manager).post(reverse("performance:import"), {"kind": "orders", "file": big})
    assert response.status_code == 400
    assert "larger than 5 MB" in response.text
    assert not ImportBatch.objects.exists()


def test_oversized_form_body_is_refused(client_for, account_manager, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = client_for(account_manager).post(
        reverse("performance:import"), "kind=orders&pad=" + "x" * 4096, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert not ImportBatch.objects.exists()


def _absurd_upload(request):
    from django.core.exceptions import SuspiciousFileOperation

    raise SuspiciousFileOperation("Storage can not find an available filename for " + "a" * 300)


def _urlpatterns():
    from django.urls import path

    from kam.urls import urlpatterns

    return [path("absurd/", _absurd_upload), *urlpatterns]


urlpatterns = _urlpatterns()


def test_an_absurd_upload_name_gets_the_sites_own_error_page(client_for, account_manager, settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    client = client_for(account_manager)
    client.raise_request_exception = False
    response = client.post("/absurd/")
    assert response.status_code == 400
    text = response.content.decode()
    assert "The request could not be read" in text
    assert 'class="navbar' in text  # in the site's layout, not Django's bare "Bad Request (400)"
    assert "Bad Request (400)" not in text


def test_a_request_for_another_host_gets_the_sites_own_error_page(client):
    client.raise_request_exception = False
    response = client.get("/login/", HTTP_HOST="evil.example.com")
    assert response.status_code == 400
    assert "The request could not be read" in response.content.decode()
