"""Redis stopped or frozen under the running stack: every screen answers, nothing is lost,
the roll-ups catch up from the dirty marks once Redis is back, and so do webhooks
(docs/faults.md, docs/api.md)."""

import csv
import json
import threading
import time

import pytest
from standardwebhooks.webhooks import Webhook

from config.cache import BREAK_SECONDS
from dashboards.models import DailyRollup
from feedback.invitations import invitation_for
from tests.conftest import moment_post
from tests.dashboards.test_worker import wait_for
from tests.faults.conftest import Browser, RedisServer, running_stack, with_real_password_hash
from tests.webhooks.receiver import Receiver
from touchpoints.models import DirtyDay, Moment
from touchpoints.webhooks import WebhookDelivery, WebhookEndpoint

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


# One Redis server and one stack for the module: starting gunicorn, a worker and beat costs
# five processes' start-up, about 10 CPU seconds. Each test leaves Redis answering; the
# tables are emptied between tests as usual, and the processes read them afresh. The two
# tests that need every gunicorn worker reading Redis at their start (no breaker open, so
# that their outage is the first the workers meet) come first: the sign-out and hand-over
# on the fresh stack, then the frozen Redis, after the first has waited out its breakers.
@pytest.fixture(scope="module")
def redis_server():
    server = RedisServer()
    server.start()
    yield server
    server.thaw()
    server.stop()


@pytest.fixture(scope="module")
def stack(redis_server, django_db_setup, tmp_path_factory):
    """Allowed to call a webhook receiver on 127.0.0.1, and sweeping the outbox every 1 s."""
    webhooks = {"WEBHOOK_ALLOW_PRIVATE_URLS": "1", "WEBHOOK_SWEEP_SECONDS": "1"}
    with running_stack(redis_server.url, tmp_path_factory.mktemp("beat"), **webhooks) as port:
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


def saves_since(tablet: LoggingTablet, moment: float) -> int:
    return sum(started >= moment for started, _, _ in list(tablet.saves))


def period_figures(manager: Browser) -> dict:
    status, _, body = manager.get("/dashboard/export/figures.csv")
    assert status == 200
    lines = body.removeprefix("\ufeff").splitlines()  # the byte-order mark Excel needs
    return next(row for row in csv.DictReader(lines) if row["section"] == "period")


def test_a_sign_out_and_a_hand_over_made_while_redis_is_down_hold_when_it_returns(
    stack, redis_server, agent, jfk_agent, org
):
    """Two tablets during one outage (one wait for the breakers, not two): one signs out,
    the other starts a hand-over to its customer."""
    signing_out = signed_in_tablet(stack, agent)
    stolen_cookie = dict(signing_out.cookies)
    handing_over = signed_in_tablet(stack, jfk_agent)
    moment = Moment.objects.create(
        staff=jfk_agent, team=jfk_agent.team, location=org["jfk"], touchpoint_type=org["desk"],
        outcome=4,
    )  # fmt: skip

    redis_server.freeze()  # a Redis that keeps its data, like one cut off by the network
    signed_out = signing_out.request(
        "POST", "/logout/", {"csrfmiddlewaretoken": signing_out.cookies["csrftoken"]}
    )[0]
    started = handing_over.request(
        "POST",
        f"/feedback/moments/{moment.uuid}/handover/",
        {"csrfmiddlewaretoken": handing_over.cookies["csrftoken"]},
    )[0]
    redis_server.thaw()
    time.sleep(BREAK_SECONDS)  # until every gunicorn worker reads Redis again

    replay = Browser(stack)
    replay.cookies = stolen_cookie
    assert signed_out == 302
    assert replay.get("/log/")[0] == 302, "the stolen cookie still signs in"  # to sign-in
    status, headers, _ = handing_over.get("/log/")
    assert started == 302
    assert (status, headers.get("Location")) == (302, "/feedback/handover/")


def signed_in_tablet(port: int, person) -> Browser:
    with_real_password_hash(person)
    tablet = Browser(port)
    tablet.log_in(person.username)
    assert tablet.get("/log/")[0] == 200
    return tablet


def test_a_frozen_redis_holds_up_no_more_than_a_save_now_and_then(stack, redis_server, agent, org):
    with_real_password_hash(agent)
    tablet = LoggingTablet(stack, agent.username, org["bag_drop"])
    redis_server.freeze()
    tablet.start()
    # Twenty saves take about two seconds, within one breaker window (5 s); were each held
    # up, they would take ten, and the test stops at fifteen.
    wait_for(lambda: len(tablet.saves) >= 20, timeout=15)
    saves = tablet.stop()
    redis_server.thaw()

    assert {status for _, status, _ in saves} == {201}
    # A save asks the cache once per bucket and gunicorn worker every ROLLUP_REQUEST_SECONDS
    # (5 s, touchpoints/dirty_days.py), and a worker waits out the half-second socket
    # timeout once per breaker window (5 s, config/cache.py): either keeps the saves
    # quick. Without both, every save waits (measured: 21 of 21).
    slow = [seconds for _, _, seconds in saves if seconds >= 0.45]
    assert len(saves) >= 10
    assert len(slow) * 3 <= len(saves), f"{len(slow)} of {len(saves)} saves waited on Redis"
    # Once Redis thaws, beat's next sweep rolls the saves up. Awaited here because the stack
    # outlives the test: a roll-up committed after the tables were emptied left its row to
    # the next test (seen once: a day of 20 moments beside that test's own).
    rolled_up = wait_for(lambda: all_rolled_up(len(saves)), timeout=30)
    assert rolled_up, "the saves were not rolled up within 30 s of Redis thawing"


def all_rolled_up(moments: int) -> bool:
    """No day left dirty, and the moment roll-ups count `moments` in all."""
    rolled = sum(DailyRollup.objects.values_list("moments", flat=True))
    return not DirtyDay.objects.exists() and rolled == moments


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
    assert wait_for(lambda: len(tablet.saves) >= 3), "the tablet is not saving"

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
    # Keep logging through the outage: ten saves at least, and longer than beat's interval
    # (2 s), so that beat too meets the broker gone.
    assert wait_for(lambda: saves_since(tablet, down_at) >= 10, timeout=30)
    time.sleep(max(0.0, 2.5 - (time.monotonic() - down_at)))
    redis_server.start()
    back_at = time.monotonic()
    assert wait_for(lambda: saves_since(tablet, back_at) >= 3), "no saves once Redis was back"
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


def test_an_answer_given_while_redis_is_down_is_delivered_once_it_is_back(
    stack, redis_server, agent, org
):
    """The answer is saved, its delivery waits in the outbox, and the worker sends it once
    Redis is back."""
    with Receiver() as receiver:
        endpoint = WebhookEndpoint.objects.create(url=receiver.url, events=["answer.received"])
        invitation = invitation_for(Moment.objects.create(
            staff=agent, team=agent.team, location=org["arn"], touchpoint_type=org["desk"],
            outcome=3,
        ))  # fmt: skip

        redis_server.stop()
        status, _, _ = Browser(stack).post_form(f"/r/{invitation.token}/", {"csat": 4, "nps": 9})
        time.sleep(2)  # two of beat's sweeps of the outbox, had it a broker to send them by
        waiting = WebhookDelivery.objects.get()
        nothing_yet = list(receiver.requests)
        redis_server.start()

        assert status == 200
        assert nothing_yet == [] and waiting.delivered_at is None
        assert wait_for(lambda: receiver.requests, timeout=60), (
            "not sent within 60 s of Redis coming back"
        )
    request = receiver.requests[0]
    sent = Webhook(endpoint.secret).verify(request["body"], request["headers"])
    assert sent["type"] == "answer.received" and sent["data"]["csat"] == 4
    assert json.loads(request["body"])["data"]["moment"] == str(invitation.moment.uuid)
