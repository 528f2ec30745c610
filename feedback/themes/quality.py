"""How good the tagger is on comments labelled by hand: precision and recall.

The labelled comments (tests/data/labelled_comments_*.tsv) were written for this, in the
four languages, each with the themes a reader would give it; the test holds a floor and
bench/tagging.py prints the figures per language and theme (docs/metrics.md, "Themes").
A comment's language column is the language it was answered in; the mixed file holds
comments that switch language midway.
"""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .tagging import Tagger

# The labels' short names for the starting themes' English names.
CODES = {
    "queue": "Queue and waiting",
    "delay": "Delay and cancellation",
    "bag": "Baggage",
    "attitude": "Staff attitude",
    "knowledge": "Staff knowledge",
    "seat": "Seat",
    "boarding": "Boarding",
    "machines": "Check-in machines",
    "app": "App and web",
    "price": "Price and fees",
    "refund": "Refund and compensation",
    "food": "Food",
    "clean": "Cleanliness",
    "info": "Information",
    "assist": "Special assistance",
}


@dataclass(frozen=True)
class Labelled:
    language: str
    themes: frozenset[str]  # English names
    text: str


def read_labelled(folder: Path, pattern: str = "labelled_comments_*.tsv") -> list[Labelled]:
    """The labelled comments of the files in `folder` named by `pattern`."""
    rows = []
    for path in sorted(folder.glob(pattern)):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            language, codes, text = line.split("\t")
            names = frozenset(CODES[code] for code in codes.split(",") if code)
            rows.append(Labelled(language, names, text))
    return rows


@dataclass
class Tally:
    right: int = 0  # tags the label has too
    wrong: int = 0  # tags the label lacks
    missed: int = 0  # labels the tagger did not give

    @property
    def precision(self) -> float:
        given = self.right + self.wrong
        return self.right / given if given else 1.0

    @property
    def recall(self) -> float:
        wanted = self.right + self.missed
        return self.right / wanted if wanted else 1.0


@dataclass
class Scores:
    overall: Tally = field(default_factory=Tally)
    by_language: dict[str, Tally] = field(default_factory=dict)
    by_theme: dict[str, Tally] = field(default_factory=dict)
    errors: list[tuple[Labelled, frozenset, frozenset]] = field(default_factory=list)


def evaluate(tagger: Tagger, names: dict[int, str], rows: list[Labelled]) -> Scores:
    """Tag each labelled comment and count every theme right, wrong or missed."""
    scores = Scores()
    for row in rows:
        given = frozenset(names[pk] for pk in tagger.tag(row.text, row.language))
        language = scores.by_language.setdefault(row.language, Tally())
        counts = Counter()
        for theme in given | row.themes:
            kind = (
                "right"
                if theme in given and theme in row.themes
                else ("wrong" if theme in given else "missed")
            )
            counts[kind] += 1
            tally = scores.by_theme.setdefault(theme, Tally())
            setattr(tally, kind, getattr(tally, kind) + 1)
        for tally in (scores.overall, language):
            for kind, n in counts.items():
                setattr(tally, kind, getattr(tally, kind) + n)
        if given != row.themes:
            scores.errors.append((row, given - row.themes, row.themes - given))
    return scores
