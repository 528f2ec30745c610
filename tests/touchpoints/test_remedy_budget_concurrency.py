"""Two tablets of one team give remedies at the same moment: the budget left is never lost
nor counted twice, and a remedy that no longer fits asks for a reason instead of slipping in."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, add_moment, make_user
from tests.touchpoints.conftest import JSON
from tests.touchpoints.remedy_steps import give_budget, remedy_kinds, remedy_post
from touchpoints import remedies
from touchpoints.models import Remedy, Role

GIVE_URL = reverse("touchpoints:give_remedy")
ROUNDS = 6


def two_tablets(posts_a: list[dict], posts_b: list[dict]) -> list[int]:
    """Both tablets send their posts at once, round after round; the status codes."""
    barrier = threading.Barrier(2)
    codes: list[int] = []

    def tablet(username: str, posts: list[dict]):
        client = Client()
        client.login(username=username, password=PASSWORD)
        for post in posts:
            barrier.wait()
            codes.append(client.post(GIVE_URL, post, headers=JSON).status_code)
        connection.close()

    threads = [
        threading.Thread(target=tablet, args=("anna", posts_a)),
        threading.Thread(target=tablet, args=("bo", posts_b)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return codes


@pytest.fixture
def team_of_two(postgres, agent, org):
    org["arn"].currency = "SEK"
    org["arn"].save()
    colleague = make_user("bo", Role.FRONTLINE, team=org["arn_desk"])
    return agent, colleague, remedy_kinds()


@pytest.mark.django_db(transaction=True)
def test_concurrent_remedies_are_each_counted_once(team_of_two, org):
    anna, bo, kinds = team_of_two
    give_budget(anna.team, 100_000, 1000)
    posts = [
        [
            remedy_post(add_moment(person, org["desk"], outcome=1), kinds["meal"])
            for _ in range(ROUNDS)
        ]
        for person in (anna, bo)
    ]
    codes = two_tablets(*posts)
    assert codes == [201] * (2 * ROUNDS)
    assert remedies.budget_left(anna.team).left == 100_000 - 2 * ROUNDS * 150


@pytest.mark.django_db(transaction=True)
def test_the_last_money_goes_to_one_tablet_and_the_other_is_asked_why(team_of_two, org):
    anna, bo, kinds = team_of_two
    give_budget(anna.team, 150, 1000)  # room for one meal voucher
    posts = [
        [remedy_post(add_moment(p, org["desk"], outcome=1), kinds["meal"])] for p in (anna, bo)
    ]
    codes = two_tablets(*posts)
    assert sorted(codes) == [201, 422]
    assert Remedy.objects.count() == 1
    assert remedies.budget_left(anna.team).left == 0
