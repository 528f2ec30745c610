"""A NUL byte in any parameter is a 400 before anything reads or records it."""

from axes.models import AccessAttempt

from tests.conftest import moment_post
from touchpoints.models import Moment


def test_a_sign_in_with_a_nul_byte_is_refused_and_not_recorded(client, agent):
    response = client.post("/login/?next=%00", {"username": "anna\x00", "password": "x"})

    assert response.status_code == 400
    assert not AccessAttempt.objects.exists()


def test_a_moment_with_a_nul_byte_in_its_note_is_refused_and_not_stored(client, agent, org):
    client.force_login(agent)

    response = client.post("/log/", moment_post(org["desk"], note="late\x00"))

    assert response.status_code == 400
    assert not Moment.objects.exists()


def test_a_note_without_nul_bytes_is_stored(client, agent, org):
    client.force_login(agent)

    client.post("/log/", moment_post(org["desk"], note="late again"))

    assert Moment.objects.get().note == "late again"
