"""`manage.py erase_customer` killed halfway, as a real process with SIGKILL, and run again:
it finishes, every figure stays, and the audit holds the requests without the customer."""

import io
import json
import os
import selectors
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from dashboards.models import CountedSums, DailyRollup
from feedback import customer_data
from feedback.management.commands.erase_customer import PAUSED
from feedback.models import Answer, CustomerRequest, Recovery, RecoveryContact
from tests.conftest import process_env, roll_up_everything
from tests.feedback.test_customer_requests import EMAIL, PHONE, REF, customer_moment, leave_contact
from touchpoints.customers import hash_ref
from touchpoints.models import AuditEntry, Moment, MomentCorrection, UndoRecord

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
BEFORE_THE_CONTACT = 6  # her moments without a contact: the first batch erases them
# Every roll-up column, comments, notes and the recoveries' included.
KEPT = [
    f.name
    for f in CountedSums._meta.concrete_fields
    if not f.is_relation and f.name not in ("id", "rolled_at")
]


@pytest.fixture(autouse=True)
def ask_the_same_customer_each_time(settings):
    settings.INVITE_SAME_CUSTOMER_DAYS = 0  # as in test_customer_requests.py


@pytest.fixture
def customer(agent, org):
    """Eva: six moments with answers and comments, a seventh whose recovery holds her
    contact and whose correction kept a copy of her reference, an undo that kept another;
    and another customer, whose comment stays."""
    moments = [
        customer_moment(agent, org, comment=f"Comment {n} from Eva Lindqvist")
        for n in range(BEFORE_THE_CONTACT)
    ]
    with_contact = customer_moment(agent, org, comment="Call me about my bag")
    leave_contact(with_contact)
    copy = {"note": "Eva, 14A", "customer_ref_hash": hash_ref(REF)}
    MomentCorrection.objects.create(
        moment=with_contact, corrected_by=agent, before=copy, after=copy
    )
    UndoRecord.objects.create(
        moment_uuid=moments[1].uuid,
        undone_by=agent,
        location=org["arn"],
        local_date=moments[1].local_date,
        moment={**copy, "corrections": [{"before": copy, "after": copy}]},
    )
    customer_moment(agent, org, ref="AB1234", comment="Lovely staff")
    roll_up_everything()


def kept_figures() -> list[tuple]:
    return sorted(DailyRollup.objects.values_list("location", "touchpoint_type", *KEPT))


def as_if_her_open_recoveries_lapsed(figures: list[tuple]) -> list[tuple]:
    """`figures` with each of her open recoveries counted as lapsed: what erasure makes of
    them (issue #21 closes them), never recovered. Every other figure the same."""
    lapsed = 2 + KEPT.index("recoveries_lapsed")
    opened = Recovery.objects.filter(
        answer__invitation__moment__customer_ref_hash=hash_ref(REF), closed_at__isnull=True
    ).count()
    assert len(figures) == 1 and opened == BEFORE_THE_CONTACT + 1  # one day, one desk
    (row,) = figures
    return [(*row[:lapsed], row[lapsed] + opened, *row[lapsed + 1 :])]


def erase_command(*options: str) -> subprocess.Popen:
    """`manage.py erase_customer REF` in a process of its own, on the test database, with
    the keys this run hashes references and encrypts contacts with. Without the system
    checks (about a second of CPU; `check --deploy` runs them in CI): the process is only
    there to be killed."""
    db = connection.settings_dict
    env = process_env(
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        CUSTOMER_REF_KEY=settings.CUSTOMER_REF_KEY,
        CONTACT_KEYS=",".join(settings.CONTACT_KEYS),
    )
    command = [sys.executable, "manage.py", "erase_customer", REF, "--skip-checks", *options]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def wait_for_pause(process: subprocess.Popen, timeout: float = 30) -> str:
    """Read the command's stderr until it says a batch is committed, or it ends or stalls."""
    said = b""
    with selectors.DefaultSelector() as selector:
        selector.register(process.stderr, selectors.EVENT_READ)
        while PAUSED.encode() not in said and selector.select(timeout):
            # Straight from the pipe: a buffered reader could hold the line select waits for.
            chunk = os.read(process.stderr.fileno(), 4096)
            if not chunk:
                break
            said += chunk
    return said.decode()


def test_an_erasure_killed_halfway_finishes_when_run_again(customer, postgres):
    before = as_if_her_open_recoveries_lapsed(kept_figures())
    killed = erase_command("--pause-between-batches", "60")
    said = wait_for_pause(killed)
    killed.kill()  # SIGKILL: no handler, no rollback in the process, nothing flushed
    killed.wait(timeout=10)
    assert PAUSED in said, said

    # Halfway: the first batch is committed, the moment with her contact and the copies not.
    assert Moment.objects.filter(customer_ref_hash="").count() == BEFORE_THE_CONTACT
    assert Moment.objects.filter(customer_ref_hash=hash_ref(REF)).count() == 1
    assert RecoveryContact.objects.count() == 1
    assert CustomerRequest.objects.get().finished_at is None  # the register shows it unfinished

    # Run again in this process: all it can go on is what the killed one committed (this
    # process never held any of it), and a second process would cost about 2.5 s of CPU.
    retried = io.StringIO()
    call_command("erase_customer", REF, stdout=retried)
    erased = json.loads(retried.getvalue())["erased"]
    assert (erased["moments"], erased["comments"], erased["contacts"]) == (1, 1, 1)
    assert (erased["corrections"], erased["undone_moments"]) == (1, 1)

    assert customer_data.find(customer_data.lookup(REF)).is_empty
    assert customer_data.find(customer_data.lookup(PHONE)).is_empty
    assert not RecoveryContact.objects.exists()
    comments = set(Answer.objects.exclude(comment="").values_list("comment", flat=True))
    assert comments == {"Lovely staff"}
    kept_copies = json.dumps(
        [list(MomentCorrection.objects.values("before", "after"))]
        + [list(UndoRecord.objects.values_list("moment", flat=True))]
    )
    assert hash_ref(REF) not in kept_copies and "Eva" not in kept_copies

    roll_up_everything()  # rebuilt from what is left of the raw rows
    assert kept_figures() == before

    third = io.StringIO()
    call_command("erase_customer", REF, stdout=third)
    assert json.loads(third.getvalue())["found"] is False

    runs = CustomerRequest.objects.order_by("at")
    assert [run.finished_at is not None for run in runs] == [False, True, True]
    assert all(run.kind == "erasure" and run.through_command for run in runs)
    audited = AuditEntry.objects.filter(action=AuditEntry.Action.ERASED)
    assert audited.count() == 2  # the killed run never reached its audit entry
    stored = json.dumps(list(audited.values()), default=str)
    stored += json.dumps(list(runs.values()), default=str)
    for detail in (REF, hash_ref(REF), PHONE, EMAIL, "Lindqvist", "Call me about my bag"):
        assert detail not in stored
