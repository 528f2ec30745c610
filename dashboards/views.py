"""Dashboard screens. Each view checks access, reads the filters, calls named functions
and renders; an htmx request gets the page's named partial instead of the whole page."""

from dataclasses import replace
from datetime import timedelta
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.errors import ShownBadRequest
from feedback.invitations import held_back_count
from feedback.models import Theme
from feedback.themes.catalogue import current_tagger
from touchpoints.access_records import AccessRecord, record_access
from touchpoints.configuration.remedy_budgets import budgets_of, set_budget
from touchpoints.models import Moment, Need, Role, TouchpointType
from touchpoints.people.access import role_required
from touchpoints.redirects import next_on_this_site

from . import (
    export_jobs,
    exports,
    figure_cache,
    figures,
    need_emails,
    recognition,
    remedy_figures,
    team_view,
    themes,
    workbook,
)
from .charts import bar_chart, line_chart, sparkline
from .filters import FilterForm, Selection, scope_for, selection_from, spans_zones
from .need_answers import (
    AskAnswerForm,
    NeedAnswerForm,
    answer_need,
    answer_needs,
    answer_with_budget,
    recently_answered,
)
from .need_triage import Ask, period_phrase, scope_label, summary, triage

MANAGERS = (Role.MANAGER, Role.ADMIN)
# The asks on the dashboard's first screen, with the figures still in view on a tablet
# either way up (tests/dashboards/test_first_screen_browser.py); the rest are one tap away.
DASHBOARD_ASKS_SHOWN = 3
MOMENTS_PER_PAGE = 25


def _filtered(request) -> tuple[FilterForm, Selection]:
    scope = scope_for(request.user)
    locations = list(scope.locations())
    form = FilterForm(request.GET, scope, locations)
    if message := form.out_of_range():
        raise ShownBadRequest(message)
    return form, selection_from(form, locations)


def _render(request, template: str, partial: str, context: dict, status: int = 200):
    """The whole page, or only `partial` for an htmx request (not a history restore)."""
    if request.htmx and not request.htmx.history_restore_request:
        template = f"{template}#{partial}"
    return render(request, template, context, status=status)


def _trend(overview: figures.Overview) -> dict:
    days, daily = overview.days, overview.daily
    return {
        "volume": bar_chart(days, [f.moments for f in daily], _("Moments per day")),
        "csat": line_chart(days, [f.csat for f in daily], _("CSAT per day, %"), "pct", 0, 100),
        "nps": line_chart(days, [f.nps for f in daily], _("NPS per day"), "signed", -100, 100),
        "rows": list(zip(days, daily, strict=True)),
    }


@role_required(*MANAGERS)
def dashboard(request):
    form, selection = _filtered(request)
    with figures.read_settings():  # the figures and the tables: one transaction
        overview, breakdown, theme_sums = figure_cache.dashboard_sums(selection)
        top_themes = themes.top_themes(
            selection, overview.current, overview.previous, sums=theme_sums
        )
        # Their sums and budgets: one aggregate, planned as the figures are.
        remedies = remedy_figures.context(selection, with_over_limit=False)
    with figures.list_settings():
        needs_summary = summary(selection, asks=DASHBOARD_ASKS_SHOWN)
        open_recoveries, more_recoveries = recognition.open_recoveries(selection)
        recent_recoveries = recognition.recent_recoveries(selection)
    team_recovery, team_count = breakdown.recovery_focus()
    context = {
        "form": form,
        "options": form.options(selection),
        "selection": selection,
        **_needs_context(selection, form.location_choices, needs_summary),
        **_headline_context(overview.headlines(needs_summary.counts)),
        "trend": _trend(overview),
        "journey": breakdown.journey(),
        "themes": top_themes,
        "comments": overview.current.comments,
        "gap": breakdown.gap(),
        "team_recovery": team_recovery,
        "team_count": team_count,
        "open_recoveries": open_recoveries,
        "more_recoveries": more_recoveries,
        "recent_recoveries": recent_recoveries,
        "praised": recognition.praised(selection),
        "invite_days": settings.INVITE_SAME_CUSTOMER_DAYS,
        "held_back": held_back_count(
            selection.q("moment__") & selection.window.q(0, prefix="moment__")
        ),
        **remedies,
        "over_limit": remedy_figures.over_limit_remedies(selection),
        "budgets_url": reverse("dashboards:remedy_budgets"),
    }
    # The page shows customers' own words (praise, recoveries): who saw it, always, so that
    # its work stays the same whatever it finds (docs/privacy.md).
    record_access(request, AccessRecord.What.MOMENTS, request.GET.dict())
    status = 422 if form.errors else 200
    return _render(request, "dashboards/dashboard.html", "dashboard", context, status)


@role_required(*MANAGERS)
def journey_type(request, type_id: int):
    """Drill-down: one touchpoint type's teams, under the same filters."""
    touchpoint_type = get_object_or_404(TouchpointType.objects.select_related("stage"), pk=type_id)
    form, selection = _filtered(request)
    narrowed = replace(selection, touchpoint_type=touchpoint_type)
    with figures.read_settings():
        overview, breakdown = figure_cache.overview_and_breakdown(narrowed)
    teams, total = breakdown.by_team(), overview.current
    context = {
        "form": form,
        "options": form.options(selection),
        "selection": selection,
        "touchpoint_type": touchpoint_type,
        "teams": teams,
        "total": total,
    }
    return _render(request, "dashboards/journey_type.html", "teams", context)


@role_required(*MANAGERS)
def journey_moments(request, type_id: int):
    """Drill-down: the individual moments behind a type (and team), with customers' words."""
    touchpoint_type = get_object_or_404(TouchpointType, pk=type_id)
    form, selection = _filtered(request)
    narrowed = replace(selection, touchpoint_type=touchpoint_type)
    moments = (
        Moment.objects.filter(narrowed.q() & narrowed.window.q(0) & narrowed.window.occurred_q())
        .select_related("team__location", "staff", "invitation__answer")
        .order_by("-occurred_at", "-pk")
    )
    paginator = Paginator(moments, MOMENTS_PER_PAGE)
    selection_shown = {**request.GET.dict(), "touchpoint_type": type_id}
    record_access(request, AccessRecord.What.MOMENTS, selection_shown)
    # Counting a type's moments company-wide would read them all; the roll-up has the sum.
    paginator.count = figures.moment_count(narrowed)
    with figures.list_settings():
        page = paginator.get_page(request.GET.get("page"))
        page.object_list = list(page.object_list)  # read here, with the list's settings
    context = {
        "form": form,
        "options": form.options(selection),
        "selection": selection,
        "touchpoint_type": touchpoint_type,
        "page": page,
        "name_zones": spans_zones(form.location_choices),
    }
    return _render(request, "dashboards/journey_moments.html", "moments", context)


def _headline_context(headlines: list[figures.Headline]) -> dict:
    """The customer's figures first, where the first screen shows them; the rest after."""
    cards = [(h, sparkline(h.series)) for h in headlines]
    return {
        "key_headlines": [c for c in cards if c[0].key in figures.KEY_HEADLINES],
        "more_headlines": [c for c in cards if c[0].key not in figures.KEY_HEADLINES],
    }


@role_required(*MANAGERS)
def theme_comments(request, theme_id: int):
    """Drill-down: the period's comments that speak of one theme, its words highlighted,
    and what staff noted about it."""
    theme = get_object_or_404(Theme, pk=theme_id)
    form, selection = _filtered(request)
    paginator = Paginator(themes.theme_answers(selection, theme), MOMENTS_PER_PAGE)
    paginator.count = themes.theme_comment_count(selection, theme)
    page = paginator.get_page(request.GET.get("page"))
    tagger = current_tagger()
    comments = [
        (answer, themes.highlighted(answer.comment, answer.language, theme, tagger))
        for answer in page
    ]
    notes = [
        (moment, themes.highlighted(moment.note, moment.staff.language, theme, tagger))
        for moment in themes.theme_notes(selection, theme)
    ]
    context = {
        "form": form,
        "options": form.options(selection),
        "selection": selection,
        "theme": theme,
        "page": page,
        "comments": comments,
        "notes": notes,
    }
    return _render(request, "dashboards/theme_comments.html", "comments", context)


def _needs_context(selection: Selection, locations, needs) -> dict:
    """What the needs box and the needs page show: the same counts under the same words."""
    return {
        "triage": needs,
        "counts": needs.counts,
        "scope_label": scope_label(selection, locations),
        "period_phrase": period_phrase(selection),
        "answer_form": NeedAnswerForm(),
        "name_zones": spans_zones(locations),
    }


@role_required(*MANAGERS)
def needs(request):
    """Everything the front line is waiting for, and what was answered lately, under the
    dashboard's location, team and period filters."""
    form, selection = _filtered(request)
    with figures.list_settings():
        sections = triage(selection)
        answered = recently_answered(selection.need_q())
    context = {
        "form": form,
        "options": form.options(selection),
        "selection": selection,
        **_needs_context(selection, form.location_choices, sections),
        "answered": answered,
        "emails_form": need_emails.PreferenceForm(
            initial={"hourly": request.user.need_emails_since is not None}
        ),
    }
    return render(request, "dashboards/needs.html", context, status=422 if form.errors else 200)


@require_POST
@role_required(*MANAGERS)
def need_email_preference(request):
    """The manager's own choice of an hourly email about new needs in their scope."""
    form = need_emails.PreferenceForm(request.POST)
    if form.is_valid():
        need_emails.set_preference(request.user, form.cleaned_data["hourly"])
    back = next_on_this_site(request, request.POST.get("next"))
    return redirect(back or reverse("dashboards:needs"))


@require_POST
@role_required(*MANAGERS)
def answer(request, need_id: int):
    need = get_object_or_404(Need.objects.select_related("team__location", "raised_by"), pk=need_id)
    scope = scope_for(request.user)
    if not scope.covers(need.location_id, need.team_id):
        raise PermissionDenied(_("That need comes from a team you do not manage."))
    form = NeedAnswerForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        if data["monthly_budget"] is not None and need.kind == Need.Kind.REMEDY_BUDGET:
            need = answer_with_budget(need, request.user, data["monthly_budget"], data["answer"])
        else:
            need = answer_need(need, request.user, data["status"], data["answer"])
        if not request.htmx:
            back = next_on_this_site(request, request.POST.get("next"))
            return redirect(back or reverse("dashboards:needs"))
    context = {
        "need": need,
        "answer_form": form,
        "grouped": False,
        "name_zones": spans_zones(scope.locations()),
    }
    status = 422 if form.errors else 200
    return render(request, "dashboards/_need.html", context, status=status)


@require_POST
@role_required(*MANAGERS)
def answer_ask(request):
    """One answer to the same ask from several teams: each need gets it, each agent sees it."""
    scope = scope_for(request.user)
    form = AskAnswerForm(request.POST, scope.q())
    if form.is_valid():
        data = form.cleaned_data
        answered = answer_needs(list(data["needs"]), request.user, data["status"], data["answer"])
        if not request.htmx:
            back = next_on_this_site(request, request.POST.get("next"))
            return redirect(back or reverse("dashboards:needs"))
        ask = Ask(answered, overdue=False)
    elif "needs" in form.errors:
        return render(request, "dashboards/_ask_gone.html", {"form": form}, status=422)
    else:
        ask = Ask(list(form.cleaned_data["needs"]), overdue=False)
    context = {
        "ask": ask,
        "answer_form": form,
        "name_zones": spans_zones(scope.locations()),
    }
    return render(request, "dashboards/_ask.html", context, status=422 if form.errors else 200)


@role_required(*MANAGERS)
def export_figures(request):
    _form, selection = _filtered(request)
    return _csv(exports.figure_rows(selection), "moments-figures", selection)


@role_required(*MANAGERS)
def export_moments(request):
    _form, selection = _filtered(request)
    if export_jobs.needs_job(selection):
        return _to_job(request, selection, "csv")
    _record_export(request, "csv")
    return _csv(exports.moment_rows(selection), "moments-raw", selection)


@role_required(*MANAGERS)
def export_figures_xlsx(request):
    _form, selection = _filtered(request)
    rows = exports.readable_figure_rows(exports.figure_rows(selection))
    return _xlsx(rows, _("Figures"), "moments-figures", selection)


@role_required(*MANAGERS)
def export_moments_xlsx(request):
    _form, selection = _filtered(request)
    if export_jobs.needs_job(selection):
        return _to_job(request, selection, "xlsx")
    _record_export(request, "xlsx")
    return _xlsx(exports.moment_rows(selection), _("Moments"), "moments-raw", selection)


def _record_export(request, file_format: str, **more) -> None:
    selection = {**request.GET.dict(), "format": file_format, **more}
    record_access(request, AccessRecord.What.MOMENTS_EXPORT, selection)


def _to_job(request, selection: Selection, file_format: str):
    """Too big to write in a web request: the worker writes it, the manager watches."""
    job = export_jobs.ask(selection, file_format, person=request.user)
    return redirect("dashboards:export_job", job_id=job.pk)


def _own_job(request, job_id: int) -> export_jobs.ExportJob:
    """The job, to the person who asked and to admins; anyone else learns nothing of it."""
    job = get_object_or_404(export_jobs.ExportJob, pk=job_id, api_key=None)
    if not export_jobs.may_download(job, request.user):
        raise Http404
    return job


@role_required(*MANAGERS)
def export_job(request, job_id: int):
    """A big export's progress, refreshed by htmx until it is ready to download."""
    job = _own_job(request, job_id)
    left = export_jobs.seconds_left(job)
    context = {
        "job": job,
        "finished": job.state in (job.State.DONE, job.State.FAILED),
        "finishes_at": timezone.now() + timedelta(seconds=left) if left else None,
        "querystring": urlencode({k: v for k, v in job.selection.items() if v}),
    }
    return _render(request, "dashboards/export_job.html", "progress", context)


@role_required(*MANAGERS)
def export_job_file(request, job_id: int):
    job = _own_job(request, job_id)
    if job.state != job.State.DONE:
        raise Http404
    _record_export(request, job.file_format, job=job.pk, **job.selection)
    return export_jobs.file_response(job)


def _csv(rows, name: str, selection: Selection) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        exports.csv_lines(rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_file_name(name, selection)}.csv"'
    return response


def _xlsx(rows, title: str, name: str, selection: Selection) -> FileResponse:
    about = exports.description(selection, title)
    file = workbook.write_xlsx(about, title, rows, exports.column_label)
    return FileResponse(
        file,
        as_attachment=True,
        filename=f"{_file_name(name, selection)}.xlsx",
        content_type=workbook.CONTENT_TYPE,
    )


def _file_name(name: str, selection: Selection) -> str:
    return f"{name}-{selection.window.first}-{selection.window.last}"


@login_required
def team(request):
    """A frontline team's own "how we are doing": figures only, never single moments."""
    if request.user.team is None:
        raise PermissionDenied(_("This page shows your team's figures; you are not in a team."))
    context = team_view.context(request.user.team, request.GET.get("period"), request.user)
    return _render(request, "dashboards/team.html", "team", context)


class BudgetForm(forms.Form):
    team = forms.IntegerField(widget=forms.HiddenInput)
    monthly = forms.DecimalField(min_value=0, max_digits=12, decimal_places=2)
    per_moment = forms.DecimalField(min_value=0, max_digits=12, decimal_places=2)


@role_required(*MANAGERS)
def remedy_budgets(request):
    """The front line's authority, supplied: each team's remedy budget a month and limit per
    moment, in its location's currency. A change holds from the next remedy and is audited."""
    scope = scope_for(request.user)
    teams = list(scope.teams().filter(active=True))
    form = BudgetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        team = next((t for t in teams if t.pk == data["team"]), None)
        if team is None:
            raise PermissionDenied(_("That team is not one you manage."))
        set_budget(request.user, team, data["monthly"], data["per_moment"])
        return redirect(f"{reverse('dashboards:remedy_budgets')}?changed={team.pk}")
    budgets = budgets_of(teams)
    rows = [(team, budgets.get(team.pk)) for team in teams]
    context = {"rows": rows, "form": form, "changed": request.GET.get("changed")}
    return render(
        request, "dashboards/remedy_budgets.html", context, status=422 if form.errors else 200
    )
