"""Hostile input for every URL: the values, the URLs the resolver knows, the forms they fill.

The sweep in test_hostile_input.py walks the URL resolver and reads the forms and links
of the pages it opens, so a URL or a field added tomorrow is swept without anyone
remembering to list it here.
"""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from django.utils.regex_helper import normalize

NUL = "\x00"

# What a fuzzer, a broken client or an attacker sends. Bytes that are not UTF-8 at all
# go in RAW_QUERY, already percent-encoded, since the test client encodes str as UTF-8.
HOSTILE = [
    NUL,
    f"4{NUL}",
    "x" * 5000,
    "\u202e\ufeff🙂e\u0301\u200b\U0001f3f3\ufe0f\u200d\U0001f308",
    "-1",
    "0",
    "99999999999999999999",
    "1e309",
    "2026-13-45T25:61:61",
    "../../../etc/passwd",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "",
]
RAW_QUERY = "%ff%fe=%c0%af&%00=%00"
# In a path: each that the route's pattern accepts reaches the view; one that it does not
# is the resolver's 404, which one of them is enough to prove.
PATH_VALUES = [NUL, f"4{NUL}", "x" * 5000, HOSTILE[3], "-1", "99999999999999999999"]

# Parameters read straight from the request (request.GET.get and the like), ours and the
# admin's (search, ordering, paging, popups, preserved filters, autocomplete, actions).
RAW_NAMES = [
    "next", "saved", "moment", "raised", "page", "period", "lang", "requested_at",
    "customer_ref", "q", "o", "p", "e", "all", "_popup", "_to_field", "_changelist_filters",
    "term", "app_label", "model_name", "field_name", "action", "_selected_action",
    "select_across", "index", "post", "apply", "unset-password",
]  # fmt: skip


@dataclass(frozen=True)
class Route:
    """One URL pattern: its name, its path with %(param)s placeholders, and its params."""

    name: str
    template: str
    params: tuple[str, ...]
    view: Callable

    def path(self, values: dict) -> str:
        quoted = {name: quote(str(values[name]), safe="") for name in self.params}
        return "/" + self.template % quoted

    def hostile_paths(self) -> list[str]:
        """The route's path with each hostile value in every parameter that accepts it,
        and one that it does not."""
        if not self.params:
            return []
        paths = [self.path(dict.fromkeys(self.params, value)) for value in PATH_VALUES]
        matching = [path for path in paths if self._matches(path)]
        return matching + [path for path in paths if path not in matching][:1]

    def _matches(self, path: str) -> bool:
        try:
            return resolve(unquote(path)).func is self.view
        except Resolver404:
            return False


def routes() -> list[Route]:
    """Every URL pattern the project answers, named with the namespaces of its includes."""
    return list(_walk(get_resolver().url_patterns, "", ()))


def _walk(patterns, prefix: str, params: tuple[str, ...], namespace: str = ""):
    for entry in patterns:
        template, names = normalize(entry.pattern.regex.pattern)[0]
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + template, params + tuple(names), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name or prefix + template}"
            yield Route(name, prefix + template, params + tuple(names), entry.callback)


def all_nul(names) -> dict[str, str]:
    return dict.fromkeys(names, NUL)


def rotated(names, round_: int) -> dict[str, str]:
    """Round n gives the j-th name the (n + j)-th hostile value: within a round the names
    get different values, and a later round moves each name on to the next value."""
    return {name: HOSTILE[(round_ + j) % len(HOSTILE)] for j, name in enumerate(names)}


def encoded(data: dict, raw: str = "") -> str:
    return "&".join(part for part in (urlencode(data, doseq=True), raw) if part)


class PageForms(HTMLParser):
    """The forms on a page, by method and the path they send to, each with the values a
    person would leave in it: what is filled in, the checked or first radio, the selected
    or first option. Admin inline rows count once, their hidden templates not at all."""

    ROW = re.compile(r"^(.+)-(\d+|__prefix__)-(.+)$")

    def __init__(self, path: str):
        super().__init__(convert_charrefs=True)
        self.path = path
        self.forms: dict[tuple[str, str], dict[str, str]] = {}
        self._fields = self.forms.setdefault(("POST", path), {})  # fields outside a <form>
        self._checked: set[str] = set()
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {key: value or "" for key, value in attrs}
        if tag == "form":
            method = "GET" if attrs.get("method", "get").lower() == "get" else "POST"
            target = attrs.get("hx-post") or attrs.get("action") or attrs.get("hx-get")
            self._fields = self.forms.setdefault((method, urlsplit(target).path or self.path), {})
            return
        if tag == "option" and self._select:
            if "selected" in attrs or self._select not in self._fields:
                self._fields[self._select] = attrs.get("value", "")
            return
        name = attrs.get("name", "")
        row = self.ROW.match(name)
        if not name or (row and row.group(2) != "0"):
            return
        if tag == "input":
            self._input(name, attrs)
        elif tag == "select":
            self._select = name
        elif tag == "textarea":
            self._textarea = name
            self._fields.setdefault(name, "")

    def _input(self, name: str, attrs: dict) -> None:
        kind = attrs.get("type", "text")
        if kind == "file" or name == "csrfmiddlewaretoken":
            return
        if kind in ("radio", "checkbox"):
            if "checked" in attrs and name not in self._checked:
                self._checked.add(name)
                self._fields[name] = attrs.get("value", "on")
            elif kind == "radio":
                self._fields.setdefault(name, attrs.get("value", ""))
            return
        self._fields.setdefault(name, attrs.get("value", ""))

    def handle_data(self, data):
        if self._textarea and not self._fields[self._textarea]:
            self._fields[self._textarea] = data.strip()

    def handle_endtag(self, tag):
        if tag == "form":
            self._fields = self.forms[("POST", self.path)]
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def is_page(response) -> bool:
    return "html" in response.get("Content-Type", "") and not response.streaming


def page_forms(path: str, response) -> dict[tuple[str, str], dict[str, str]]:
    """{(method, path the form sends to): {field: value}} for the forms on the page."""
    if not is_page(response):
        return {}
    parser = PageForms(path)
    parser.feed(response.content.decode(errors="replace"))
    return {key: fields for key, fields in parser.forms.items() if fields}


QUERY_IN_LINK = re.compile(r'href="[^"?]*\?([^"#]*)')


def link_params(response) -> set[str]:
    """Query parameters in the page's links: an admin list's filters and ordering, paging."""
    if not is_page(response):
        return set()
    links = QUERY_IN_LINK.findall(response.content.decode(errors="replace"))
    return {key for query in links for key, _ in parse_qsl(html.unescape(query), True)}
