"""Tagging through a real Celery worker once: the task the answer page queues."""

import pytest

from feedback.models import AnswerTheme
from feedback.tasks import tag_answer
from feedback.themes.catalogue import load_starting_themes
from tests.conftest import add_moment
from tests.dashboards.test_worker import (  # noqa: F401  (fixtures)
    module_worker,
    queue,
    wait_for,
    worker,
)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_tags_a_new_answer(agent, org, worker):  # noqa: F811
    load_starting_themes()  # a transactional test may start from an emptied database
    moment = add_moment(
        agent, org["bag_drop"], answer={"csat": 2, "comment": "Väskan försvann", "language": "sv"}
    )
    AnswerTheme.objects.all().delete()  # whatever ran in-process, the worker must redo it

    tag_answer.apply_async(args=(moment.invitation.answer.pk,), queue=worker)

    tagged = wait_for(lambda: list(AnswerTheme.objects.values_list("theme__name_en", flat=True)))
    assert tagged == ["Baggage"]
