import pytest

from tests.conftest import PASSWORD

JSON = {"Accept": "application/json"}


@pytest.fixture
def agent_client(client, agent):
    client.login(username=agent.username, password=PASSWORD)
    return client
