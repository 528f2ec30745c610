"""The customer's page shows the airline's name and logo, set by an admin on the configuration
site: checked uploads, kept in the database, served with an ETag, and audited."""

import base64
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from feedback import branding
from feedback.models import FeedbackSettings
from tests.feedback.test_admin_settings import form, settings_url
from touchpoints.models import AuditEntry

# A 1×1 transparent PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe"
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
    b'<rect width="10" height="10" fill="#0b4f8a"/></svg>'
)
TOO_BIG = b"\x89PNG\r\n\x1a\n" + b"\0" * (200 * 1024)


def upload(data: bytes, name: str = "logo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def brand_form(**overrides) -> dict:
    names = {"airline_name_en": "Scandinavian Airlines", "airline_name_sv": "SAS Skandinavien"}
    return form(**{**names, **overrides})


def logo_src(page: str) -> str | None:
    found = re.search(r'<header class="airline"><img src="([^"]+)"', page)
    return found[1] if found else None


@pytest.fixture
def admin(client, role_admin):
    client.force_login(role_admin)
    return client


def test_an_admin_sets_name_and_logo_and_the_customer_sees_them(admin, invitation, client):
    response = admin.post(settings_url(), {**brand_form(), "logo_upload": upload(PNG)})
    assert response.status_code == 302
    admin.logout()
    page = client.get(reverse("feedback:answer", args=[invitation.token])).text
    assert "<span>Scandinavian Airlines</span>" in page
    src = logo_src(page)
    logo = client.get(src)
    assert (logo.status_code, logo["Content-Type"], logo.content) == (200, "image/png", PNG)
    assert "immutable" in logo["Cache-Control"]
    again = client.get(src, HTTP_IF_NONE_MATCH=logo["ETag"])
    assert (again.status_code, again.content) == (304, b"")


def test_the_customer_reads_the_airline_and_the_touchpoint_in_their_language(
    admin, invitation, client, org
):
    org["desk"].name_sv = "Incheckningsdisken"
    org["desk"].save()
    admin.post(settings_url(), brand_form())
    admin.logout()
    page = client.get(reverse("feedback:answer", args=[invitation.token]), {"lang": "sv"}).text
    assert "<span>SAS Skandinavien</span>" in page
    assert "Incheckningsdisken ·" in page and "Check-in desk ·" not in page
    danish = client.get(reverse("feedback:answer", args=[invitation.token]), {"lang": "da"}).text
    assert "<span>Scandinavian Airlines</span>" in danish  # no Danish name: the English one


def test_the_change_is_audited_with_the_logos_size_never_its_bytes(admin):
    admin.post(settings_url(), {**brand_form(), "logo_upload": upload(SVG, "logo.svg")})
    changes = AuditEntry.objects.get().changes
    assert changes["airline name"] == ["", "Scandinavian Airlines"]
    assert changes["airline name [sv]"] == [None, "SAS Skandinavien"]
    assert changes["logo"] == ["", f"{len(SVG)} bytes"]
    assert changes["logo type"] == ["", "image/svg+xml"]


@pytest.mark.parametrize(
    "data, name, reason",
    [
        (TOO_BIG, "big.png", "The logo is 201 KB; it can be at most 200 KB."),
        (b"GIF89a\x01\x00\x01\x00", "logo.gif", "Upload a PNG, WebP or SVG image."),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "x.svg",
         "This SVG holds more than a drawing (a script, a link outside it or a DTD)."),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><image href="https://evil.example/t.png"/></svg>',
         "y.svg", "This SVG holds more than a drawing (a script, a link outside it or a DTD)."),
        (b"", "empty.png", "The submitted file is empty."),
    ],
)  # fmt: skip
def test_a_bad_upload_is_refused_with_its_reason_and_nothing_is_lost(admin, data, name, reason):
    admin.post(settings_url(), {**brand_form(), "logo_upload": upload(PNG)})
    before = FeedbackSettings.current()
    response = admin.post(
        settings_url(),
        {
            **brand_form(airline_name_en="SAS", low_csat_at_most="3"),
            "logo_upload": upload(data, name),
        },
    )
    assert response.status_code == 200
    assert reason in response.text
    assert 'value="SAS"' in response.text  # what the admin typed is still in the form
    after = FeedbackSettings.current()
    assert (after.airline_name_en, after.low_csat_at_most) == ("Scandinavian Airlines", 2)
    assert after.logo_digest == before.logo_digest != ""
    assert AuditEntry.objects.count() == 1  # the first save only


def test_the_page_without_a_logo_shows_the_name_alone(admin, invitation, client):
    admin.post(settings_url(), {**brand_form(), "logo_upload": upload(WEBP, "logo.webp")})
    admin.post(settings_url(), {**brand_form(), "remove_logo": "on"})
    admin.logout()
    page = client.get(reverse("feedback:answer", args=[invitation.token])).text
    assert '<header class="airline"><span>Scandinavian Airlines</span></header>' in page
    assert FeedbackSettings.current().logo_digest == ""


def test_with_neither_name_nor_logo_the_page_is_as_it_was(invitation, client):
    page = client.get(reverse("feedback:answer", args=[invitation.token])).text
    assert 'class="airline"' not in page
    assert 'class="languages"' in page


def test_a_stale_logo_address_is_not_kept_for_long(admin, client):
    admin.post(settings_url(), {**brand_form(), "logo_upload": upload(PNG)})
    old = branding.airline().logo_url
    admin.post(settings_url(), {**brand_form(), "logo_upload": upload(SVG, "logo.svg")})
    response = client.get(old)
    assert response["Content-Type"] == "image/svg+xml"
    assert "immutable" not in response["Cache-Control"]
    assert "sandbox" in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    "data, kind", [(PNG, "image/png"), (WEBP, "image/webp"), (SVG, "image/svg+xml")]
)
def test_logos_are_known_by_their_bytes(data, kind):
    assert branding.logo_type(data) == kind


def test_an_svg_with_an_entity_is_refused():
    bomb = b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>'
    with pytest.raises(ValidationError):
        branding.logo_type(bomb)
