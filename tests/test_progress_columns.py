"""The CLI's rate column shows items per second once Rich has measured a rate."""

from __future__ import annotations

from rich.progress import Progress

from storyline.progress_columns import RateColumn


def test_rate_is_blank_until_measured_then_per_second() -> None:
    clock = [0.0]
    progress = Progress(get_time=lambda: clock[0], disable=True)
    task_id = progress.add_task("parse", total=100)
    column = RateColumn()
    assert column.render(progress.tasks[0]).plain == ""
    clock[0] = 2.0
    progress.update(task_id, advance=50)
    clock[0] = 4.0
    progress.update(task_id, advance=50)
    assert column.render(progress.tasks[0]).plain == "25.0/s"
