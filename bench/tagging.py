"""Theme tagging: its quality on the labelled comments, and its cost per comment.

Quality: precision and recall overall, per language and per theme, on the labelled
comments of tests/data (labelled_comments_*.tsv, the set the starting words were iterated
on) and on the held-out ones (heldout_comments.tsv, written after the words were settled
and never used to change them). Cost: the time to tag one comment, over every labelled
comment repeated, against the baseline of only cutting the same comments into words in
the same run. The catalogue is the starting one (feedback/themes/starting.py), compiled
as the worker compiles it; no database is needed.

    .venv/bin/python bench/tagging.py            # figures and timing
    .venv/bin/python bench/tagging.py --errors   # and every comment tagged otherwise than labelled
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from bench.machine import speed  # noqa: E402

DATA = ROOT / "tests" / "data"
GOAL_MS = 2.0
GOAL_PRECISION, GOAL_RECALL = 0.85, 0.75


def starting_tagger():
    from feedback.themes.starting import STARTING_THEMES
    from feedback.themes.tagging import Tagger

    themes = [
        (
            pk,
            {
                code: [w.strip() for w in theme[code].splitlines() if w.strip()]
                for code in theme
                if code != "name"
            },
        )
        for pk, theme in enumerate(STARTING_THEMES)
    ]
    names = {pk: theme["name"]["en"] for pk, theme in enumerate(STARTING_THEMES)}
    return Tagger(themes), names


def report(title: str, scores, show_errors: bool) -> None:
    overall = scores.overall
    print(f"\n{title}: precision {overall.precision:.3f}, recall {overall.recall:.3f}")
    print(f"{'':26}{'precision':>10}{'recall':>8}{'tags':>6}")
    for name, tally in [*sorted(scores.by_language.items()), *sorted(scores.by_theme.items())]:
        labels = tally.right + tally.missed
        print(f"  {name:24}{tally.precision:>10.3f}{tally.recall:>8.3f}{labels:>6}")
    if show_errors:
        for row, wrong, missed in scores.errors:
            print(f"  [{row.language}] {row.text}  +{sorted(wrong)} -{sorted(missed)}")


def timing(tagger, rows, repeats: int) -> tuple[float, float]:
    from feedback.themes.tagging import tokens

    texts = [(row.text, row.language) for row in rows] * repeats
    started = time.perf_counter()
    for text, _language in texts:
        tokens(text)
    baseline = (time.perf_counter() - started) / len(texts) * 1000
    started = time.perf_counter()
    for text, language in texts:
        tagger.tag(text, language)
    return (time.perf_counter() - started) / len(texts) * 1000, baseline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list every comment tagged wrongly")
    parser.add_argument("--repeats", type=int, default=20, help="times each comment is timed")
    args = parser.parse_args()
    import django

    django.setup()
    from feedback.themes.quality import evaluate, read_labelled

    tagger, names = starting_tagger()
    print(f"load average before: {os.getloadavg()[0]:.2f}; {speed()}")
    labelled = read_labelled(DATA)
    heldout = read_labelled(DATA, "heldout_comments.tsv")
    for title, rows in (("Labelled (words iterated on these)", labelled), ("Held out", heldout)):
        report(f"{title}, {len(rows)} comments", evaluate(tagger, names, rows), args.errors)
    tagger.tag("warm up the stems", "en")
    per_comment, baseline = timing(tagger, labelled + heldout, args.repeats)
    print(
        f"\ntagging: {per_comment:.3f} ms a comment (goal < {GOAL_MS} ms); cutting into words"
        f" alone {baseline:.3f} ms; ratio {per_comment / baseline:.1f}"
    )
    long_text = " ".join(row.text for row in labelled)[:10_000]
    started = time.perf_counter()
    tagger.tag(long_text, "sv")
    print(f"a 10,000-character comment: {(time.perf_counter() - started) * 1000:.1f} ms")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
