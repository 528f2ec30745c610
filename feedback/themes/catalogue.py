"""The catalogue as the tagger reads it, and the changes an admin makes to it.

Every change goes through `changed()`, in the transaction that makes it: the catalogue's
version goes up and the re-tag of the history starts again from the first comment
(feedback/themes/retag.py), queued once the change commits.
"""

import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from touchpoints.dirty_days import mark_days_dirty

from .models import THEME_LANGUAGES, AnswerTheme, MomentTheme, Theme, ThemeCatalogue
from .starting import STARTING_THEMES
from .tagging import Tagger

log = logging.getLogger(__name__)

# The tagger this process compiled last, by the catalogue version and the active themes'
# ids (a restored or emptied database can start again at version 1 with other themes).
_compiled: dict[tuple, Tagger] = {}


def state(lock: bool = False) -> ThemeCatalogue:
    """The catalogue's one row, locked until commit with `lock`."""
    ThemeCatalogue.objects.get_or_create(pk=1)
    rows = ThemeCatalogue.objects.select_for_update() if lock else ThemeCatalogue.objects
    return rows.get(pk=1)


def active_words() -> list[tuple[int, dict[str, list[str]]]]:
    themes = Theme.objects.filter(active=True).order_by("pk")
    return [(theme.pk, {code: theme.words(code) for code in THEME_LANGUAGES}) for theme in themes]


def tagger_for(version: int) -> Tagger:
    """The compiled catalogue of `version`; compiled once per process and version."""
    key = (version, *Theme.objects.filter(active=True).order_by("pk").values_list("pk", flat=True))
    tagger = _compiled.get(key)
    if tagger is None:
        tagger = Tagger(active_words())
        _compiled.clear()
        _compiled[key] = tagger
    return tagger


def current_tagger() -> Tagger:
    return tagger_for(state().version)


def changed() -> ThemeCatalogue:
    """Call inside the transaction that changed the catalogue: a new version, and the
    re-tag starts over once it commits. A re-tag running meanwhile sees the new version at
    its next batch and goes back to the start (it replaces tags, so nothing counts twice)."""
    ThemeCatalogue.objects.get_or_create(pk=1)
    ThemeCatalogue.objects.filter(pk=1).update(
        version=F("version") + 1,
        answers_done_to=0,
        notes_done_to=0,
        retag_done=0,
        retag_total=0,
        retag_started_at=timezone.now(),
        retag_finished_at=None,
    )
    transaction.on_commit(request_retag)
    return state()


def request_retag() -> None:
    """Queue the re-tag. Best effort: while Redis is down, beat's hourly run picks it up."""
    from ..tasks import retag_comments

    try:
        retag_comments.delay()
    except Exception:
        log.warning("Could not queue the re-tag; beat will pick it up.", exc_info=True)


@transaction.atomic
def merge(target: Theme, sources: list[Theme]) -> Theme:
    """Fold `sources` into `target`: their words join its own, their tags become its tags
    (a comment that had both counts once), and they are archived, pointing at `target`.
    The buckets of every comment whose tags moved are rolled up again, so the figures of
    the past show the merged theme exactly as if it had always been one."""
    sources = [source for source in sources if source.pk != target.pk]
    for source in sources:
        for code in THEME_LANGUAGES:
            words = target.words(code) + [
                w for w in source.words(code) if w not in target.words(code)
            ]
            setattr(target, f"words_{code}", "\n".join(words))
    target.save()
    ids = [source.pk for source in sources]
    _move_tags(AnswerTheme, "answer", ids, target)
    _move_tags(MomentTheme, "moment", ids, target)
    Theme.objects.filter(pk__in=ids).update(active=False, merged_into=target)
    changed()
    return target


def _move_tags(model, owner: str, ids: list[int], target: Theme) -> None:
    moved = model.objects.filter(theme_id__in=ids)
    owners = set(moved.values_list(f"{owner}_id", flat=True))
    _mark_dirty(owner, owners)
    already = set(
        model.objects.filter(theme=target, **{f"{owner}_id__in": owners}).values_list(
            f"{owner}_id", flat=True
        )
    )
    moved.delete()
    model.objects.bulk_create(
        [model(theme=target, **{f"{owner}_id": pk}) for pk in owners - already],
        ignore_conflicts=True,
    )


def _mark_dirty(owner: str, ids: set[int]) -> None:
    """The roll-up buckets of these answers' or moments' moments are out of date."""
    from touchpoints.models import Moment

    if not ids:
        return
    if owner == "answer":
        moments = Moment.objects.filter(invitation__answer__in=ids)
    else:
        moments = Moment.objects.filter(pk__in=ids)
    by_location: dict[int, set] = {}
    for location_id, day in moments.values_list("location_id", "local_date").distinct():
        by_location.setdefault(location_id, set()).add(day)
    for location_id, days in by_location.items():
        mark_days_dirty(location_id, days)


def load_starting_themes(theme_model=Theme) -> int:
    """Add the starting themes that are not there yet (by English name); returns how many.
    Used by the data migration with its historical model, and by tests."""
    added = 0
    for entry in STARTING_THEMES:
        names = entry["name"]
        if theme_model.objects.filter(name=names["en"]).exists():
            continue
        words = {f"words_{code}": entry[code] for code in THEME_LANGUAGES}
        theme_model.objects.create(
            name=names["en"], **{f"name_{code}": names[code] for code in names}, **words
        )
        added += 1
    return added
