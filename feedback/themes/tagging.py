"""Which themes a comment speaks of: words and phrases matched per language, stemmed.

Plain and local: no model, no network. A comment is cut into words (letters only, lower
case, each with its place in the text for highlighting); each word is stemmed with the
Snowball stemmer of the language being tried, and matched against the catalogue's words:

- `delay`       the stem: "delays", "delayed" and "delaying" match too;
- `queue*`      the word begins so ("queued", "queuing"): for irregular stems and the
                 first half of Nordic compounds ("bagage*" finds "bagagebandet");
- `*väska`      the word ends so ("resväska"), `*kaffe*` it holds it ("kaffekoppen");
- `=friendly`   exactly this word (Snowball makes "friendly" "friend", and "my friend"
                 says nothing about the staff);
- `long queue`  several words in a row, each matched as its own kind above.

Praise and complaint count alike: "not friendly" and "very friendly" are both Staff
attitude, and the answer's score says which way (nothing here reads negation).

Mixed languages: the answer's language is always tried; another is tried too when the
comment holds enough of that language's commonest small words (`FUNCTION_WORDS`), so that
"Great staff men kön var lång" is read in English and in Swedish, while a Swedish word
that happens to look like an English one does not tag an English comment.
"""

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

import snowballstemmer

STEMMERS = {"en": "english", "sv": "swedish", "da": "danish", "nb": "norwegian"}
LANGUAGES = list(STEMMERS)
WORD = re.compile(r"[^\W\d_]+")
# Longer comments are read up to here: the rest adds little, and a pasted novel must not
# hold the worker (a comment is at most 1,000 characters; a note 500).
MAX_CHARS = 20_000

# The commonest small words of each language, to tell which languages a comment is in.
# Words that two of the four share with English ("men", "for", "at", "i", "de") are left
# out; the Nordic three share many, and reading a Danish comment as Norwegian too is
# harmless (their theme words agree).
FUNCTION_WORDS = {
    "en": "the and was were is are to of it my we not very but with they our had have this "
    "that too me on from there would could did didn been their when what an",
    "sv": "och att det som är var inte jag vi med för på mycket den hade har till av om så "
    "min mitt våra när kunde efter också bara ingen ett vår fick inga sig",
    "da": "og det som er var ikke jeg vi med på meget den havde har til af om så min mit "
    "vores kunne efter også bare ingen et fik nogen hvor blev",
    "nb": "og det som er var ikke jeg vi med på veldig den hadde har til av om så min mitt "
    "våre kunne etter også bare ingen et vår fikk noen hvor ble",
}
FUNCTION_SETS = {language: frozenset(words.split()) for language, words in FUNCTION_WORDS.items()}


@dataclass(frozen=True)
class Match:
    theme_id: int
    start: int  # character offsets in the comment, for highlighting
    end: int


@dataclass(frozen=True)
class Token:
    text: str  # lower case
    start: int
    end: int


@cache
def _stemmer(language: str):
    return snowballstemmer.stemmer(STEMMERS[language])


class _Stems:
    """Stems of one language, remembered: the same few thousand words recur in comments."""

    def __init__(self, language: str):
        self._stem = _stemmer(language).stemWord
        self._known: dict[str, str] = {}

    def __call__(self, word: str) -> str:
        stem = self._known.get(word)
        if stem is None:
            stem = self._stem(word)
            if len(self._known) < 200_000:
                self._known[word] = stem
        return stem


@cache
def stems_of(language: str) -> _Stems:
    return _Stems(language)


def tokens(text: str) -> list[Token]:
    """The words of `text`, in lower case, with their places."""
    text = unicodedata.normalize("NFC", text[:MAX_CHARS])
    return [Token(m.group().lower(), m.start(), m.end()) for m in WORD.finditer(text)]


def words_of(text: str) -> list[str]:
    """The words of `text` in lower case, as `tokens` cuts them, without their places."""
    return [word.lower() for word in WORD.findall(unicodedata.normalize("NFC", text[:MAX_CHARS]))]


# -- one word of the catalogue -----------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    kind: str  # "stem", "prefix", "suffix", "contains" or "exact"
    value: str

    def matches(self, token: str, stem: str) -> bool:
        if self.kind == "stem":
            return stem == self.value
        if self.kind == "exact":
            return token == self.value
        if self.kind == "prefix":
            return token.startswith(self.value)
        if self.kind == "suffix":
            return token.endswith(self.value)
        return self.value in token


def pattern(word: str, language: str) -> Pattern | None:
    """One word as the admin typed it (`queue*`, `=friendly`, ...), for `language`."""
    word = unicodedata.normalize("NFC", word.strip().lower())
    starts, ends = word.startswith("*"), word.endswith("*")
    exact = word.startswith("=")
    core = "".join(WORD.findall(word))
    if not core:
        return None
    if exact:
        return Pattern("exact", core)
    if starts and ends:
        return Pattern("contains", core)
    if starts:
        return Pattern("suffix", core)
    if ends:
        return Pattern("prefix", core)
    return Pattern("stem", stems_of(language)(core))


def phrase(text: str, language: str) -> tuple[Pattern, ...]:
    """An entry cut into its words ("long queue", "check-in"), each a pattern."""
    parts = [part for part in re.split(r"[\s\-/]+", text.strip()) if part.strip("*=")]
    patterns = [pattern(part, language) for part in parts]
    return tuple(p for p in patterns if p is not None)


# -- a language's compiled catalogue ------------------------------------------------------


@dataclass
class LanguageMatcher:
    """One language's words, compiled; what each distinct word matches is worked out once
    and remembered, since the same few thousand words make up most comments."""

    language: str
    by_stem: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    by_exact: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    # Prefix, suffix and contains words, scanned per new word: a few dozen a language.
    scanned: list[tuple[Pattern, int]] = field(default_factory=list)
    # Phrases of two or more words, tried where their first word matches.
    phrases: list[tuple[tuple[Pattern, ...], int]] = field(default_factory=list)
    _seen: dict[str, tuple[frozenset[int], tuple[int, ...]]] = field(default_factory=dict)

    def add(self, entry: str, theme_id: int) -> None:
        patterns = phrase(entry, self.language)
        if len(patterns) > 1:
            self.phrases.append((patterns, theme_id))
        elif patterns:
            only = patterns[0]
            if only.kind == "stem":
                self.by_stem[only.value].add(theme_id)
            elif only.kind == "exact":
                self.by_exact[only.value].add(theme_id)
            else:
                self.scanned.append((only, theme_id))

    def word(self, text: str) -> tuple[frozenset[int], tuple[int, ...]]:
        """The themes `text` matches alone, and the phrases that may start with it."""
        known = self._seen.get(text)
        if known is not None:
            return known
        stem = stems_of(self.language)(text)
        themes = set(self.by_stem.get(stem, ())) | set(self.by_exact.get(text, ()))
        themes.update(theme_id for p, theme_id in self.scanned if p.matches(text, stem))
        starts = tuple(
            index
            for index, (patterns, _) in enumerate(self.phrases)
            if patterns[0].matches(text, stem)
        )
        known = (frozenset(themes), starts)
        if len(self._seen) > 100_000:  # a flood of made-up words; start afresh
            self._seen.clear()
        self._seen[text] = known
        return known

    def matches(self, words: list[Token]) -> list[Match]:
        found = []
        for i, word in enumerate(words):
            themes, starts = self.word(word.text)
            found += [Match(theme_id, word.start, word.end) for theme_id in themes]
            for index in starts:
                patterns, theme_id = self.phrases[index]
                end = i + len(patterns)
                if end <= len(words) and all(
                    self._continues(pattern, words[i + k].text)
                    for k, pattern in enumerate(patterns[1:], start=1)
                ):
                    found.append(Match(theme_id, word.start, words[end - 1].end))
        return found

    def theme_ids(self, words: list[str]) -> set[int]:
        """The themes `words` hold: what `matches` finds, without the places (the fast path
        every comment takes; only highlighting needs the places)."""
        found: set[int] = set()
        for i, text in enumerate(words):
            themes, starts = self.word(text)
            found |= themes
            for index in starts:
                patterns, theme_id = self.phrases[index]
                end = i + len(patterns)
                if (
                    theme_id not in found
                    and end <= len(words)
                    and all(
                        self._continues(pattern, words[i + k])
                        for k, pattern in enumerate(patterns[1:], start=1)
                    )
                ):
                    found.add(theme_id)
        return found

    def _continues(self, pattern: Pattern, text: str) -> bool:
        return pattern.matches(text, stems_of(self.language)(text))


class Tagger:
    """The catalogue compiled once per version; `tag` is what every comment goes through."""

    def __init__(self, themes: Iterable[tuple[int, dict[str, list[str]]]]):
        """`themes`: (theme id, {language: [words]}) for each active theme."""
        self.matchers = {language: LanguageMatcher(language) for language in LANGUAGES}
        for theme_id, words in themes:
            for language, entries in words.items():
                for entry in entries:
                    self.matchers[language].add(entry, theme_id)

    def languages_for(self, words: list[str], language: str) -> list[str]:
        """The answer's language, and any other the comment plainly holds."""
        seen = set(words)
        hits = {code: len(seen & FUNCTION_SETS[code]) for code in LANGUAGES}
        if language not in self.matchers:
            best = max(hits.values())
            return [code for code in LANGUAGES if best == 0 or hits[code] * 2 >= best]
        own = hits[language]
        others = [
            code
            for code in LANGUAGES
            if code != language and hits[code] * 2 >= own and hits[code] >= (2 if own else 1)
        ]
        return [language, *others]

    def matches(self, text: str, language: str) -> list[Match]:
        """Every place a theme's word or phrase is found, in text order."""
        words = tokens(text or "")
        if not words:
            return []
        found: set[Match] = set()
        for code in self.languages_for([word.text for word in words], language):
            found.update(self.matchers[code].matches(words))
        return sorted(found, key=lambda m: (m.start, m.end, m.theme_id))

    def tag(self, text: str, language: str) -> set[int]:
        """The ids of the themes `text` speaks of: empty when none. The same themes as
        `matches` gives, found without noting where."""
        words = words_of(text or "")
        found: set[int] = set()
        if words:
            for code in self.languages_for(words, language):
                found |= self.matchers[code].theme_ids(words)
        return found
