"""The airline of tests/conftest.py built once per module, for modules whose tests only read
it and share costly data built on top (a module-scoped fixture of their own). Such a module
imports these fixtures, which replace conftest's, and marks itself `django_db` so that each
test still rolls back what it writes:

    from tests.shared_world import admin_user, agent, arn_manager, jfk_agent, org  # noqa: F401

    pytestmark = pytest.mark.django_db
"""

import pytest

from tests.conftest import (
    build_admin_user,
    build_agent,
    build_arn_manager,
    build_jfk_agent,
    build_org,
)


@pytest.fixture(scope="module")
def org(module_db):
    return build_org()


@pytest.fixture(scope="module")
def agent(org):
    return build_agent(org)


@pytest.fixture(scope="module")
def jfk_agent(org):
    return build_jfk_agent(org)


@pytest.fixture(scope="module")
def arn_manager(org):
    return build_arn_manager(org)


@pytest.fixture(scope="module")
def admin_user(org):
    return build_admin_user(org)
