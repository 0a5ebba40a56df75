"""Allocation runs: start one (a background job), execute it, publish one."""

from __future__ import annotations

import logging
import secrets
import time
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qiao.allocation import PHASES, AllocationError, allocate
from qiao.core.audit import audit_record
from qiao.core.services import jobs as job_services
from qiao.placements import allocation_adapter as adapter
from qiao.placements import permissions as pp
from qiao.placements.models import (
    AllocationRun,
    Placement,
    PlacementRound,
    PlacementState,
    RoundStatus,
    RunOutcome,
    RunState,
)

logger = logging.getLogger("qiao.placements")

DEFAULT_OPTIONS = {"proposing": "students", "objective": "stable", "tie_breaking": "single"}
CHOICES = {
    "proposing": ("students", "openings"),
    "objective": ("stable", "welfare"),
    "tie_breaking": ("single", "multiple"),
}
MAX_SEED = 2**63 - 1


class _Clock:
    """Seconds per phase of a run (benchmarks/placements.py reads them)."""

    def __init__(self, timings: dict[str, float] | None) -> None:
        self.timings = timings if timings is not None else {}
        self.last = time.perf_counter()

    def start(self) -> None:
        self.last = time.perf_counter()

    def lap(self, phase: str) -> None:
        now = time.perf_counter()
        self.timings[phase] = self.timings.get(phase, 0.0) + now - self.last
        self.last = now


def clean_options(options: dict[str, Any] | None) -> dict[str, Any]:
    """Known options with allowed values; a seed drawn (and recorded) when none is given."""
    out: dict[str, Any] = dict(DEFAULT_OPTIONS)
    for key, value in (options or {}).items():
        if key == "seed":
            if value in (None, ""):
                continue
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SEED:
                raise ValidationError({"seed": _("The seed is a whole number from 0.")})
            out["seed"] = value
        elif key in CHOICES:
            if value not in CHOICES[key]:
                raise ValidationError({key: _("Choose one of the listed values.")})
            out[key] = value
        else:
            raise ValidationError({key: _("Unknown option.")})
    if "seed" not in out:
        out["seed"] = secrets.randbelow(2**31)
    return out


@transaction.atomic
def run_create(
    *, actor: Any, placement_round: PlacementRound, options: dict[str, Any] | None = None
) -> AllocationRun:
    """A new pending run of a round whose ranking is closed (with its progress record).
    `run_start` also queues it; the demo loader executes it at once."""
    rnd = PlacementRound.objects.select_for_update().get(pk=placement_round.pk)
    if actor is not None and not pp.can_manage_round(actor, rnd):
        raise PermissionDenied
    if rnd.status != RoundStatus.CLOSED:
        raise ValidationError(_("Close the ranking before allocating."))
    opts = clean_options(options)
    number = (rnd.runs.aggregate(n=Max("number"))["n"] or 0) + 1
    owner = actor if getattr(actor, "is_authenticated", False) else rnd.created_by
    run = AllocationRun.objects.create(
        round=rnd,
        number=number,
        options=opts,
        seed=opts["seed"],
        created_by=owner,
    )
    if owner is not None:
        job = job_services.job_create(
            owner=owner,
            kind="placements.allocate",
            label=_("Allocation of %(round)s, run %(n)d") % {"round": rnd.name, "n": number},
            organisation=rnd.school,
            total=len(PHASES) + 2,
        )
        run.job = job
        run.save(update_fields=["job"])
    audit_record(
        actor=actor,
        action="placements.run.start",
        instance=run,
        organisation=rnd.school_id,
        changes={"options": [None, opts]},
    )
    return run


@transaction.atomic
def run_start(
    *, actor: Any, placement_round: PlacementRound, options: dict[str, Any] | None = None
) -> AllocationRun:
    """A new run of a round whose ranking is closed, executed by a background job."""
    run = run_create(actor=actor, placement_round=placement_round, options=options)

    def enqueue() -> None:
        from qiao.placements.tasks import allocate_round

        task = allocate_round.enqueue(run_id=run.pk, job_id=str(run.job_id or ""))
        if run.job is not None:
            job_services.job_set_task(job=run.job, task_id=str(task.id))

    transaction.on_commit(enqueue)
    return run


def run_execute(
    *, run_id: int, job_id: str = "", timings: dict[str, float] | None = None
) -> AllocationRun:
    """Load the round, allocate, keep the outcome. Called by the task; idempotent (a run that
    is already done is left alone). `timings`, when given, receives the seconds of each phase
    (load, engine, outcomes, write)."""
    clock = _Clock(timings)
    run = AllocationRun.objects.select_related("round").get(pk=run_id)
    if run.state in (RunState.DONE, RunState.FAILED):
        return run
    AllocationRun.objects.filter(pk=run.pk).update(state=RunState.RUNNING)
    step = 0

    def progress(phase: str, done: int, total: int) -> None:
        nonlocal step
        step += 1
        if job_id:
            job_services.job_progress(job_id=job_id, done=step + 1, message=phase)

    try:
        if job_id:
            job_services.job_progress(job_id=job_id, done=0, message=_("Loading the round"))
        clock.start()
        inp = adapter.build_input(run.round, options=run.options)
        clock.lap("load")
        if job_id:
            job_services.job_progress(job_id=job_id, done=1, message=_("Allocating"))
        result = allocate(inp.problem, inp.options, progress=progress)
        clock.lap("engine")
        rows = adapter.outcomes(run.pk, inp, result)
        summary = adapter.run_summary(result)
        clock.lap("outcomes")
    except (AllocationError, ValueError) as exc:
        logger.warning("allocation run %s failed: %s", run.pk, exc)
        AllocationRun.objects.filter(pk=run.pk).update(
            state=RunState.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        if job_id:
            job_services.job_fail(job_id=job_id, message=str(exc))
        run.refresh_from_db()
        return run
    with transaction.atomic():
        RunOutcome.objects.bulk_create(rows, batch_size=2000)
        AllocationRun.objects.filter(pk=run.pk).update(
            state=RunState.DONE,
            input_document=inp.document,
            input_sha256=inp.sha256,
            ineligible_reasons=inp.ineligible_reasons,
            metrics=summary["metrics"],
            verification=summary["verification"],
            opening_explanations=summary["openings"],
            lottery=summary["lottery"],
            finished_at=timezone.now(),
        )
    clock.lap("write")
    if job_id:
        m = summary["metrics"]
        job_services.job_finish(
            job_id=job_id,
            result={"placed": m["placed"], "students": m["students"]},
            message=_("Placed %(placed)d of %(students)d students")
            % {"placed": m["placed"], "students": m["students"]},
            result_url=reverse("placements:run_detail", args=[run.round_id, run.pk]),
        )
    # Everything but the input document, which is the one just stored (tens of megabytes for
    # 100,000 students: no need to read it back and decode it again).
    run.refresh_from_db(
        fields=[
            f.attname
            for f in AllocationRun._meta.concrete_fields
            if f.attname not in ("id", "input_document")
        ]
    )
    run.input_document = inp.document
    return run


@transaction.atomic
def run_publish(*, actor: Any, run: AllocationRun) -> int:
    """Publish one finished run: each placed student gets an offer to accept or decline
    before the round's deadline. Returns how many offers were made."""
    rnd = PlacementRound.objects.select_for_update().get(pk=run.round_id)
    if actor is not None and not pp.can_manage_round(actor, rnd):
        raise PermissionDenied
    if rnd.status == RoundStatus.PUBLISHED:
        raise ValidationError(_("This round is already published."))
    if rnd.status != RoundStatus.CLOSED:
        raise ValidationError(_("Close the ranking before publishing."))
    run = AllocationRun.objects.get(pk=run.pk)
    if run.state != RunState.DONE:
        raise ValidationError(_("Only a finished run can be published."))
    if not run.verification.get("valid", False):
        raise ValidationError(_("This run failed verification and cannot be published."))
    now = timezone.now()
    placed = list(
        RunOutcome.objects.filter(run=run, opening__isnull=False).select_related(
            "candidate", "opening"
        )
    )
    Placement.objects.bulk_create(
        [
            Placement(
                round=rnd,
                run=run,
                candidate=o.candidate,
                student_id=o.candidate.person_id,
                opening=o.opening,
                school_id=rnd.school_id,
                host_id=o.opening.host_id,  # type: ignore[union-attr]
                state=PlacementState.OFFERED,
                choice=o.choice,
                offered_at=now,
                respond_by=rnd.respond_by,
            )
            for o in placed
        ],
        batch_size=2000,
    )
    rnd.status = RoundStatus.PUBLISHED
    rnd.published_run = run
    rnd.save(update_fields=["status", "published_run", "updated_at"])
    audit_record(
        actor=actor,
        action="placements.run.publish",
        instance=run,
        organisation=rnd.school_id,
        changes={"offers": [0, len(placed)], "input_sha256": [None, run.input_sha256]},
    )
    return len(placed)
