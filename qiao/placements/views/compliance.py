"""Compliance: a school's open violations and its choice of rule set; the stored rule-set
versions (list, one version with what changed since the previous one, its JSON document) and,
for platform admins, a new version edited from a stored one or uploaded as JSON."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qiao.core import permissions as perms
from qiao.core.importexport.export import Column
from qiao.core.lists import ListPage, SortOption
from qiao.core.views._helpers import or_404
from qiao.placements import compliance_selectors as cs
from qiao.placements import permissions as pp
from qiao.placements import selectors, services
from qiao.placements.filters import RuleSetFilter, ViolationFilter
from qiao.placements.forms_compliance import (
    MAX_UPLOAD_BYTES,
    RuleSetEditForm,
    RuleSetUploadForm,
)
from qiao.placements.models import ComplianceRuleSet
from qiao.placements.views._common import apply_validation_error

VIOLATION_EXPORT = [
    Column("opening_id", lambda v: v.opening_id),
    Column("opening", lambda v: v.opening.title if v.opening_id else ""),
    Column("host", lambda v: v.opening.host.name if v.opening_id else ""),
    Column("placement_id", lambda v: v.placement_id),
    Column("timesheet_id", lambda v: v.timesheet_id),
    Column("rule", lambda v: v.rule_id),
    Column("severity", lambda v: v.severity),
    Column("message_en", lambda v: v.message_en),
    Column("message_zh", lambda v: v.message_zh),
    Column("clause", lambda v: v.clause),
    Column("ruleset", lambda v: f"{v.ruleset.code} v{v.ruleset.version}"),
    Column("detected_at", lambda v: v.detected_at),
]
VIOLATION_SORTS = [
    SortOption("detected", gettext_lazy("Detected"), ["detected_at"]),
    SortOption("rule", gettext_lazy("Rule"), ["rule_id"]),
    SortOption("severity", gettext_lazy("Severity"), ["severity", "rule_id"]),
]


@login_required
def compliance(request: HttpRequest) -> HttpResponseBase:
    """Open violations of one school (the first the viewer coordinates, or ?school=)."""
    schools = list(selectors.schools_managed(viewer=request.user))
    if not schools:
        raise Http404
    try:
        chosen = int(request.GET.get("school", schools[0].pk))
    except ValueError:
        raise Http404 from None
    school = next((s for s in schools if s.pk == chosen), None)
    if school is None or not pp.can_view_compliance(request.user, school.pk):
        raise Http404
    from qiao.placements import facts

    page = ListPage(
        request=request,
        queryset=selectors.violation_list(viewer=request.user, school_id=school.pk),
        filterset_class=ViolationFilter,
        sorts=VIOLATION_SORTS,
        default_sort="-detected",
        export_columns=VIOLATION_EXPORT,
        export_name="compliance",
    )
    download = page.export()
    if download is not None:
        return download
    context = page.context()
    context.update(
        school=school,
        schools=schools,
        ruleset=facts.ruleset_row_for_school(school.pk),
        rulesets=list(selectors.ruleset_choices()),
        can_choose_ruleset=pp.can_manage_school(request.user, school.pk),
        can_read_rulesets=pp.can_read_rulesets(request.user),
    )
    return render(request, "placements/compliance.html", context)


@login_required
@require_POST
def compliance_ruleset(request: HttpRequest) -> HttpResponseBase:
    """Choose the rule set a school's openings and placements are checked against."""
    school = or_404(
        selectors.schools_managed(viewer=request.user)
        .filter(pk=_int(request.POST.get("school")))
        .first()
    )
    perms.require(pp.can_manage_school(request.user, school.pk))
    ruleset = selectors.ruleset_choices().filter(pk=_int(request.POST.get("ruleset"))).first()
    target = f"{reverse('placements:compliance')}?school={school.pk}"
    if ruleset is None:
        messages.error(request, _("Choose one of the stored rule sets."))
        return redirect(target)
    services.school_ruleset_set(actor=request.user, school=school, ruleset=ruleset)
    messages.success(
        request,
        _("%(school)s now checks its openings and placements against “%(ruleset)s”.")
        % {"school": school, "ruleset": ruleset},
    )
    blocked = selectors.openings_blocked_count(school_id=school.pk)
    if blocked:
        messages.warning(
            request,
            ngettext(
                "%(n)d current opening breaks a blocking rule of this version: it stays "
                "published; correct it or close it (listed below).",
                "%(n)d current openings break a blocking rule of this version: they stay "
                "published; correct or close them (listed below).",
                blocked,
            )
            % {"n": blocked},
        )
    return redirect(target)


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return 0


# --- Stored rule-set versions -------------------------------------------------------------------

RULESET_EXPORT = [
    Column("id", lambda r: r.pk),
    Column("code", lambda r: r.code),
    Column("version", lambda r: r.version),
    Column("title_en", lambda r: r.title_en),
    Column("title_zh", lambda r: r.title_zh),
    Column("rules", cs.rule_count),
    Column("schools", lambda r: r.school_count),
    Column("default", lambda r: r.is_default),
    Column("created_at", lambda r: r.created_at),
]
RULESET_SORTS = [
    SortOption("created", gettext_lazy("Created"), ["created_at"]),
    SortOption("code", gettext_lazy("Code"), ["code", "version"]),
    SortOption("schools", gettext_lazy("Schools"), ["school_count", "code", "version"]),
]


def _readable(request: HttpRequest, pk: int) -> ComplianceRuleSet:
    perms.require(pp.can_read_rulesets(request.user))
    ruleset: ComplianceRuleSet = or_404(cs.ruleset_get(viewer=request.user, pk=pk))
    return ruleset


@login_required
@require_GET
def ruleset_list(request: HttpRequest) -> HttpResponseBase:
    perms.require(pp.can_read_rulesets(request.user))
    page = ListPage(
        request=request,
        queryset=cs.ruleset_list(viewer=request.user),
        filterset_class=RuleSetFilter,
        sorts=RULESET_SORTS,
        default_sort="-created",
        export_columns=RULESET_EXPORT,
        export_name="rulesets",
    )
    download = page.export()
    if download is not None:
        return download
    context = page.context()
    context["rows"] = [(row, cs.rule_count(row)) for row in context["object_list"]]
    context["can_create"] = pp.can_create_rulesets(request.user)
    return render(request, "placements/ruleset_list.html", context)


@login_required
@require_GET
def ruleset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ruleset = _readable(request, pk)
    previous, diff = cs.ruleset_diff(ruleset=ruleset)
    return render(
        request,
        "placements/ruleset_detail.html",
        {
            "ruleset": ruleset,
            "rules": cs.ruleset_rules(ruleset),
            "schools": cs.ruleset_schools(viewer=request.user, ruleset=ruleset),
            "previous": previous,
            "diff": diff,
            "can_create": pp.can_create_rulesets(request.user),
        },
    )


@login_required
@require_GET
def ruleset_download(request: HttpRequest, pk: int) -> HttpResponse:
    ruleset = _readable(request, pk)
    response = HttpResponse(cs.ruleset_json(ruleset), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{cs.ruleset_filename(ruleset)}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def ruleset_new(request: HttpRequest, pk: int) -> HttpResponse:
    """A new version of a stored rule set, edited from it (platform admins)."""
    perms.require(pp.can_create_rulesets(request.user))
    source = _readable(request, pk)
    form = RuleSetEditForm(request.POST or None, source=source)
    if request.method == "POST" and form.is_valid():
        try:
            row = services.ruleset_create(actor=request.user, document=form.document)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return _stored(request, row)
    return render(
        request,
        "placements/ruleset_form.html",
        {"form": form, "source": source},
    )


@login_required
@require_http_methods(["GET", "POST"])
def ruleset_upload(request: HttpRequest) -> HttpResponse:
    """A new version uploaded as a JSON document (platform admins); nothing is stored unless
    the whole document is valid."""
    perms.require(pp.can_create_rulesets(request.user))
    form = RuleSetUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            row = services.ruleset_create(actor=request.user, document=form.document)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return _stored(request, row)
    return render(
        request,
        "placements/ruleset_upload.html",
        {"form": form, "max_size": MAX_UPLOAD_BYTES},
    )


def _stored(request: HttpRequest, row: ComplianceRuleSet) -> HttpResponse:
    messages.success(
        request,
        _(
            "Version %(version)d of “%(code)s” is stored. Schools keep the rule set they use "
            "until their coordinator chooses this one on the compliance page."
        )
        % {"version": row.version, "code": row.code},
    )
    return redirect("placements:ruleset_detail", row.pk)
