"""A Content-Security-Policy on every staff page; the customer's pages keep their stricter one."""

import pytest

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parts = (part.split() for part in policy.split(";") if part.strip())
    return {name: values for name, *values in parts}


@pytest.mark.parametrize(
    "who, path",
    [
        ("agent", "/log/"),
        ("agent", "/feedback/recoveries/"),
        ("arn_manager", "/dashboard/"),
        ("admin_user", "/admin/"),
        ("admin_user", "/admin/touchpoints/touchpointtype/add/"),
        (None, "/login/"),
    ],
)
def test_staff_pages_allow_only_our_own_scripts(client, request, who, path):
    if who:
        client.force_login(request.getfixturevalue(who))
    response = client.get(path)
    assert response.status_code == 200
    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_staff_pages_have_no_inline_script(client, agent):
    client.force_login(agent)
    page = client.get("/log/").content.decode()
    assert "<script>" not in page and "<script nonce" not in page
    assert " onfocus=" not in page and " onclick=" not in page


def test_the_public_feedback_page_keeps_its_own_stricter_policy(client, agent, org):
    from feedback.invitations import invitation_for
    from tests.conftest import add_moment

    invitation = invitation_for(add_moment(agent, org["desk"]))
    response = client.get(f"/r/{invitation.token}/")
    assert response.status_code == 200
    assert directives(response)["default-src"] == ["'none'"]
    assert directives(response)["script-src"] == ["'none'"]
