"""Redis stopped or frozen under the running stack: every screen answers, nothing is lost,
and the roll-ups catch up from the dirty marks once Redis is back (docs/faults.md)."""

import csv
import threading
import time

import pytest

from config.cache import BREAK_SECONDS
from dashboards.models import DailyRollup
from feedback.invitations import invitation_for
from tests.conftest import moment_post
from tests.dashboards.test_worker import wait_for
from tests.faults.conftest import Browser, RedisServer, running_stack, with_real_password_hash
from touchpoints.models import DirtyDay, Moment

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


# One Redis server and one stack for the module: starting gunicorn, a worker and beat costs
# five processes' start-up, about 10 CPU seconds. Each test leaves Redis answering and waits
# out the breaker after an outage, so the next one meets a stack in its usual state; the
# tables are emptied between tests as usual, and the processes read them afresh.
@pytest.fixture(scope="module")
def redis_server():
    server = RedisServer()
    server.start()
    yield server
    server.thaw()
    server.stop()


@pytest.fixture(scope="module")
def stack(redis_server, django_db_setup, tmp_path_factory):
    with running_stack(redis_server.url, tmp_path_factory.mktemp("beat")) as port:
        yield port


class LoggingTablet(threading.Thread):
    """A signed-in tablet saving a moment every 50 ms until told to stop."""

    def __init__(self, port: int, username: str, touchpoint_type):
        super().__init__()
        self.browser = Browser(port)
        assert self.browser.log_in(username) == 302
        self.touchpoint_type = touchpoint_type
        self.stopping = threading.Event()
        self.saves: list[tuple[float, int, float]] = []  # (started, status, seconds)

    def run(self) -> None:
        while not self.stopping.is_set():
            started = time.monotonic()
            status = self.browser.post_json("/log/", moment_post(self.touchpoint_type))
            self.saves.append((started, status, time.monotonic() - started))
            time.sleep(0.05)

    def stop(self) -> list[tuple[float, int, float]]:
        self.stopping.set()
        self.join(timeout=60)
        return self.saves


def period_figures(manager: Browser) -> dict:
    status, _, body = manager.get("/dashboard/export/figures.csv")
    assert status == 200
    lines = body.removeprefix("\ufeff").splitlines()  # the byte-order mark Excel needs
    return next(row for row in csv.DictReader(lines) if row["section"] == "period")


def test_with_redis_stopped_every_screen_answers_and_the_figures_catch_up(
    stack, redis_server, agent, arn_manager, org
):
    with_real_password_hash(agent)
    with_real_password_hash(arn_manager)
    invitation = invitation_for(Moment.objects.create(
        staff=agent, team=agent.team, location=org["arn"], touchpoint_type=org["desk"], outcome=3
    ))  # fmt: skip
    manager = Browser(stack)
    assert manager.log_in(arn_manager.username) == 302
    tablet = LoggingTablet(stack, agent.username, org["bag_drop"])
    tablet.start()
    time.sleep(1)

    redis_server.stop()
    down_at = time.monotonic()
    customer = Browser(stack)
    during = {
        "public page": customer.get(f"/r/{invitation.token}/")[0],
        "answer": customer.post_form(
            f"/r/{invitation.token}/", {"csat": 5, "nps": 9, "comment": "The queue was long"}
        )[0],
        "sign-in": Browser(stack).log_in(agent.username),
        "dashboard": manager.get("/dashboard/")[0],
        "figures export": manager.get("/dashboard/export/figures.csv")[0],
        "moments export": manager.get("/dashboard/export/moments.csv")[0],
    }
    time.sleep(max(0.0, 4 - (time.monotonic() - down_at)))  # keep logging through the outage
    redis_server.start()
    back_at = time.monotonic()
    time.sleep(1)
    saves = tablet.stop()

    assert during == {
        "public page": 200,
        "answer": 200,
        "sign-in": 302,
        "dashboard": 200,
        "figures export": 200,
        "moments export": 200,
    }
    assert {status for _, status, _ in saves} == {201}
    assert sum(down_at <= started < back_at for started, _, _ in saves) >= 10
    assert Moment.objects.count() == len(saves) + 1

    def exact():  # no day left dirty, then the figures: a roll-up clears its marks last
        return not DirtyDay.objects.exists() and period_figures(manager)

    figures = wait_for(exact, timeout=30)  # production's beat interval
    assert figures, "the roll-ups did not catch up within 30 s of Redis returning"
    assert int(figures["moments"]) == Moment.objects.count()
    assert int(figures["csat_answers"]) == 1
    assert sum(DailyRollup.objects.values_list("moments", flat=True)) == len(saves) + 1


def test_a_frozen_redis_holds_up_no_more_than_a_save_now_and_then(stack, redis_server, agent, org):
    with_real_password_hash(agent)
    tablet = LoggingTablet(stack, agent.username, org["bag_drop"])
    redis_server.freeze()
    tablet.start()
    time.sleep(4)
    saves = tablet.stop()
    redis_server.thaw()

    assert {status for _, status, _ in saves} == {201}
    # Each gunicorn worker waits out the half-second socket timeout once per breaker
    # window (5 s); without the breaker every save would, three times over.
    slow = [seconds for _, _, seconds in saves if seconds >= 0.45]
    assert len(saves) >= 10
    assert len(slow) * 3 <= len(saves), f"{len(slow)} of {len(saves)} saves waited on Redis"


def test_a_sign_out_while_redis_is_down_stays_signed_out_when_it_returns(
    stack, redis_server, agent
):
    with_real_password_hash(agent)
    tablet = Browser(stack)
    tablet.log_in(agent.username)
    assert tablet.get("/log/")[0] == 200
    stolen_cookie = dict(tablet.cookies)

    redis_server.freeze()  # a Redis that keeps its data, like one cut off by the network
    form = {"csrfmiddlewaretoken": tablet.cookies["csrftoken"]}
    signed_out = tablet.request("POST", "/logout/", form)[0]
    redis_server.thaw()
    time.sleep(BREAK_SECONDS)  # until every gunicorn worker reads Redis again

    replay = Browser(stack)
    replay.cookies = stolen_cookie
    assert signed_out == 302
    assert replay.get("/log/")[0] == 302  # to the sign-in page


def test_a_hand_over_started_while_redis_is_down_holds_when_it_returns(
    stack, redis_server, agent, org
):
    with_real_password_hash(agent)
    tablet = Browser(stack)
    tablet.log_in(agent.username)
    assert tablet.get("/log/")[0] == 200
    moment = Moment.objects.create(
        staff=agent, team=agent.team, location=org["arn"], touchpoint_type=org["desk"], outcome=4
    )

    redis_server.freeze()
    started = tablet.request(
        "POST",
        f"/feedback/moments/{moment.uuid}/handover/",
        {"csrfmiddlewaretoken": tablet.cookies["csrftoken"]},
    )[0]
    redis_server.thaw()
    time.sleep(BREAK_SECONDS)  # until every gunicorn worker reads Redis again

    status, headers, _ = tablet.get("/log/")
    assert started == 302
    assert (status, headers.get("Location")) == (302, "/feedback/handover/")
