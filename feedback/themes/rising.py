"""Rising words: what comments say more of lately that no theme covers yet.

Each night the comments of the last `PERIOD_DAYS` days are compared with the same number
of days before, per language: for each word (three letters or more) and each two-word
phrase that no theme's word matched, how many comments hold it in each period. A term is
suggested when it rose and Dunning's log-likelihood G² of the 2×2 table (comments with
and without it, this period and the one before) is at least `G2_THRESHOLD`, and at least
`MIN_COMMENTS` comments hold it. docs/metrics.md, "Rising themes", gives the test and
why this threshold.
"""

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from ..models import Answer
from . import catalogue
from .models import Theme, ThemeSuggestion
from .tagging import FUNCTION_SETS, LANGUAGES, Tagger, tokens

PERIOD_DAYS = 7
# χ² with one degree of freedom exceeds 15.13 with probability 0.0001: strict, because a
# week's comments hold thousands of terms, each one a test.
G2_THRESHOLD = 15.13
MIN_COMMENTS = 5
MOST_SUGGESTIONS = 20
EXAMPLES = 5
MIN_WORD = 3


def g2(a: int, n1: int, b: int, n2: int) -> float:
    """Dunning's log-likelihood G² of a term in a of n1 comments against b of n2."""
    table = [(a, n1 - a), (b, n2 - b)]
    total = n1 + n2
    holds, lacks = a + b, total - a - b
    score = 0.0
    for (with_it, without), n in zip(table, (n1, n2), strict=True):
        for observed, column in ((with_it, holds), (without, lacks)):
            expected = n * column / total if total else 0
            if observed > 0 and expected > 0:
                score += observed * math.log(observed / expected)
    return 2 * score


@dataclass
class Counts:
    comments: int = 0
    terms: Counter = field(default_factory=Counter)
    # Surface form and examples of each term, from the period looked at.
    shown: dict = field(default_factory=dict)
    examples: dict = field(default_factory=lambda: defaultdict(list))


def uncovered_terms(tagger: Tagger, text: str, language: str) -> dict[str, str]:
    """{term: as written} for the words and two-word phrases of `text` no theme covers."""
    words = tokens(text)
    covered = [(m.start, m.end) for m in tagger.matches(text, language)]
    small = FUNCTION_SETS.get(language, frozenset())

    def is_covered(word) -> bool:
        return any(start <= word.start and word.end <= end for start, end in covered)

    terms = {}
    for word in words:
        if len(word.text) >= MIN_WORD and word.text not in small and not is_covered(word):
            terms[word.text] = text[word.start : word.end]
    for first, second in zip(words, words[1:], strict=False):
        if first.text in small or second.text in small:
            continue
        if is_covered(first) and is_covered(second):
            continue
        terms[f"{first.text} {second.text}"] = text[first.start : second.end]
    return terms


def _count(tagger: Tagger, since: date, until: date, keep_examples: bool) -> dict[str, Counts]:
    start = timezone.make_aware(datetime.combine(since, time.min))
    end = timezone.make_aware(datetime.combine(until + timedelta(days=1), time.min))
    answers = (
        Answer.objects.filter(answered_at__gte=start, answered_at__lt=end)
        .exclude(comment="")
        .order_by("-answered_at")
        .values_list("comment", "language")
    )
    counts: dict[str, Counts] = defaultdict(Counts)
    for comment, language in answers.iterator(chunk_size=2000):
        language = language if language in LANGUAGES else "en"
        found = counts[language]
        found.comments += 1
        for term, written in uncovered_terms(tagger, comment, language).items():
            found.terms[term] += 1
            if keep_examples:
                found.shown.setdefault(term, written)
                if len(found.examples[term]) < EXAMPLES:
                    found.examples[term].append(comment)
    return counts


def find_rising(until: date | None = None) -> list[ThemeSuggestion]:
    """Suggest the terms that rose in the `PERIOD_DAYS` days up to `until` (yesterday)."""
    until = until or timezone.localdate() - timedelta(days=1)
    since = until - timedelta(days=PERIOD_DAYS - 1)
    tagger = catalogue.current_tagger()
    now = _count(tagger, since, until, keep_examples=True)
    before = _count(tagger, since - timedelta(days=PERIOD_DAYS), since - timedelta(days=1), False)
    found = []
    for language, counts in now.items():
        previous = before.get(language, Counts())
        for term, a in counts.terms.items():
            b = previous.terms.get(term, 0)
            if a < MIN_COMMENTS or a * max(previous.comments, 1) <= b * counts.comments:
                continue
            score = g2(a, counts.comments, b, previous.comments)
            if score >= G2_THRESHOLD:
                found.append((score, language, term, a, b, counts))
    # Strongest first; of a phrase and its word rising alike, the phrase says more.
    found.sort(key=lambda row: (-row[0], -len(row[2].split())))
    return [_keep(row, since, until) for row in _without_overlaps(found)[:MOST_SUGGESTIONS]]


def _without_overlaps(found: list) -> list:
    """A phrase and its own words rise together: keep the stronger of each, once."""
    kept, seen = [], set()
    for row in found:
        parts = set(row[2].split())
        if any(parts & other for other in seen):
            continue
        seen.add(frozenset(parts))
        kept.append(row)
    return kept


def _keep(row, since: date, until: date) -> ThemeSuggestion:
    score, language, term, a, b, counts = row
    suggestion, _ = ThemeSuggestion.objects.update_or_create(
        term=counts.shown[term],
        language=language,
        period_end=until,
        defaults={
            "period_start": since,
            "count": a,
            "previous_count": b,
            "g2": round(score, 2),
            "examples": counts.examples[term],
        },
    )
    return suggestion


@transaction.atomic
def make_theme(suggestion: ThemeSuggestion) -> Theme:
    """One click: the suggested term becomes a theme with that one word, and is tagged."""
    if suggestion.theme_id:
        return suggestion.theme
    name, n = suggestion.term[:1].upper() + suggestion.term[1:], 1
    while Theme.objects.filter(name=name).exists():
        n += 1
        name = f"{suggestion.term} ({n})"
    theme = Theme(name=name, **{f"words_{suggestion.language}": suggestion.term.lower()})
    theme.full_clean()
    theme.save()
    suggestion.theme, suggestion.status = theme, ThemeSuggestion.Status.ACCEPTED
    suggestion.save(update_fields=["theme", "status"])
    catalogue.changed()
    return theme
