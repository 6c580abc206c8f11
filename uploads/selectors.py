"""Reads about upload runs: how far each has got, in words and numbers."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, OuterRef, Q, Subquery

from uploads.models import UploadFeed, UploadRun


def duration_words(duration: timedelta | None) -> str:
    """'4 s', '2 min 5 s', '1 h 3 min'."""
    if duration is None:
        return ""
    seconds = max(0, round(duration.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min {seconds} s"
    return f"{seconds} s"


@dataclass
class Progress:
    """How far a run has got: exporting is one step, each feed two more.

    A feed counts once when Amazon gave it a feed id (uploaded) and once more
    when it finished processing.
    """

    run: UploadRun
    feeds: int = 0
    sent: int = 0
    finished: int = 0
    amazon_status: str = ""

    @property
    def steps(self) -> int:
        return 1 + 2 * self.feeds

    @property
    def done(self) -> int:
        exported = self.run.state not in (
            UploadRun.State.QUEUED,
            UploadRun.State.EXPORTING,
        )
        return int(exported) + self.sent + self.finished

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.done / self.steps))

    @property
    def phase(self) -> str:
        run, State = self.run, UploadRun.State
        if run.cancel_requested and run.is_live:
            return "Cancelling: waiting for Amazon to finish the feed it has."
        if run.state == State.QUEUED:
            return "Waiting to start."
        if run.state == State.EXPORTING:
            return "Exporting records."
        if run.state == State.UPLOADING:
            return f"Uploading feed {min(self.sent + 1, self.feeds)} of {self.feeds}."
        if run.state == State.PROCESSING:
            status = self.amazon_status.replace("_", " ").lower() or "queued"
            return (
                f"Amazon is processing feed {max(self.sent, 1)} of {self.feeds} "
                f"({status})."
            )
        return run.get_state_display()


def progress_for(runs: list[UploadRun]) -> list[Progress]:
    """Each run's progress, from one grouped query over their feeds."""
    latest_status = (
        UploadFeed.objects.filter(run=OuterRef("run"), status="submitted")
        .order_by("-sequence")
        .values("amazon_status")[:1]
    )
    rows = (
        UploadFeed.objects.filter(run__in=[run.pk for run in runs])
        .order_by()
        .values("run")
        .annotate(
            total=Count("pk"),
            sent=Count("pk", filter=~Q(feed_id="")),
            finished=Count("pk", filter=Q(status__in=UploadFeed.END_STATUSES)),
            amazon_status=Subquery(latest_status),
        )
    )
    tallies = {row["run"]: row for row in rows}
    result = []
    for run in runs:
        row = tallies.get(run.pk, {})
        result.append(
            Progress(
                run=run,
                feeds=row.get("total", 0),
                sent=row.get("sent", 0),
                finished=row.get("finished", 0),
                amazon_status=row.get("amazon_status") or "",
            )
        )
    return result
