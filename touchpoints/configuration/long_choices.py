"""The configuration site's long choice lists (the ~600 time zones, the ~70 icons), with the
HTML of Django's own widgets but rendered in one pass.

Django renders each option from templates of its own (the option, its input, its
attributes): the location page's time zones were some 1,200 template renders, most of that
page's time, and the icon picker's icons some 280. Every open of those pages, and every
save that is refused and shown again, paid for them; on a slow tablet too.
"""

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


def _attrs(attrs: dict) -> SafeString:
    """django/forms/widgets/attrs.html: False leaves a name out, True writes it bare."""
    return mark_safe(
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
            for name, value in attrs.items()
            if value is not False
        )
    )


class LongSelect(forms.Select):
    """django/forms/widgets/select.html with select_option.html, in Python."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            rows = format_html_join(
                "",
                '\n  <option value="{}"{}>{}</option>\n',
                ((option["value"], _attrs(option["attrs"]), option["label"]) for option in options),
            )
            if group_name:
                rows = format_html('\n  <optgroup label="{}">{}\n  </optgroup>', group_name, rows)
            groups.append(rows)
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            widget["name"],
            _attrs(widget["attrs"]),
            mark_safe("".join(groups)),
        )


class LongRadioSelect(forms.RadioSelect):
    """django/forms/widgets/multiple_input.html with input_option.html, in Python."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            rows = mark_safe("".join(f"<div>\n    {_option(option)}</div>" for option in options))
            if group_name:
                rows = format_html("\n  <div><label>{}</label>{}\n  </div>", group_name, rows)
            groups.append(rows)
        widget_id, css_class = widget["attrs"].get("id"), widget["attrs"].get("class")
        return format_html(
            "<div{}{}>{}\n</div>",
            format_html(' id="{}"', widget_id) if widget_id else "",
            format_html(' class="{}"', css_class) if css_class else "",
            mark_safe("".join(groups)),
        )


def _option(option: dict) -> SafeString:
    value = "" if option["value"] is None else format_html(' value="{}"', option["value"])
    attrs = _attrs(option["attrs"])
    field = format_html(
        '<input type="{}" name="{}"{}{}>', option["type"], option["name"], value, attrs
    )
    # Each of Django's option templates ends in a line break, and its output with it.
    if not option["wrap_label"]:
        return format_html("{}\n\n\n", field)
    option_id = option["attrs"].get("id")
    label_for = format_html(' for="{}"', option_id) if option_id else ""
    return format_html("<label{}>{}\n {}</label>\n\n", label_for, field, option["label"])
