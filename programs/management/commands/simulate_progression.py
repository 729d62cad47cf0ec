"""Run the real engine against the database's phases for a synthetic member.

python manage.py simulate_progression --weeks 12 --pain 2,2,3,6,2 --json
python manage.py simulate_progression --weeks 16 --pain 2 --gaps 5,6,7 --late 10 --weekdays 0,2,6
"""

import json

from django.core.management.base import BaseCommand, CommandError

from programs import engine
from programs.choices import Track
from programs.selectors import programme_build
from programs.services.simulation import simulation_run


def _weeks(value: str | None, name: str, *, low: int, high: int) -> list[int]:
    if not value:
        return []
    try:
        numbers = [int(part) for part in value.split(",") if part.strip() != ""]
    except ValueError as error:
        raise CommandError(f"--{name} takes whole numbers separated by commas.") from error
    if any(not low <= number <= high for number in numbers):
        raise CommandError(f"--{name} values must be between {low} and {high}.")
    return numbers


def _numbers(value: str, name: str) -> list[int]:
    try:
        numbers = [int(part) for part in value.split(",") if part.strip() != ""]
    except ValueError as error:
        raise CommandError(
            f"--{name} takes whole numbers separated by commas, e.g. 2,2,3."
        ) from error
    if not numbers or any(not 0 <= number <= 10 for number in numbers):
        raise CommandError(f"--{name} values must be between 0 and 10.")
    return numbers


class Command(BaseCommand):
    help = "Simulate weekly progression for a synthetic member with the given session pain."

    def add_arguments(self, parser):
        parser.add_argument("--weeks", type=int, default=12)
        parser.add_argument("--pain", default="2", help="Session pain values, repeating: 2,2,3,6,2")
        parser.add_argument("--morning", default=None, help="Next-morning pain values, repeating.")
        parser.add_argument("--track", default=Track.GENERAL, choices=Track.values)
        parser.add_argument("--equipment", default="none", help="Comma-separated, e.g. none,wall")
        parser.add_argument("--sessions-per-week", type=int, default=5)
        parser.add_argument("--minutes", type=int, default=20, choices=[5, 10, 20])
        parser.add_argument("--effort", type=int, default=5)
        parser.add_argument("--gaps", default=None, help="Weeks with no session at all: 5,6,7")
        parser.add_argument(
            "--late",
            default=None,
            help="Weeks whose last session's pain arrives after the review (late log, check-in)",
        )
        parser.add_argument(
            "--weekdays", default=None, help="Training days, 0 = Monday: 0,2,6 (Sunday trainer)"
        )
        parser.add_argument("--json", action="store_true", help="Print JSON, one object per week.")

    def handle(self, *args, **options):
        if not 1 <= options["weeks"] <= 104:
            raise CommandError("--weeks must be between 1 and 104.")
        if not 1 <= options["sessions_per_week"] <= 7:
            raise CommandError("--sessions-per-week must be between 1 and 7.")
        if not 0 <= options["effort"] <= 10:
            raise CommandError("--effort must be between 0 and 10.")
        pain = _numbers(options["pain"], "pain")
        morning = _numbers(options["morning"], "morning") if options["morning"] else None
        equipment = [part.strip() for part in options["equipment"].split(",") if part.strip()]
        gaps = _weeks(options["gaps"], "gaps", low=1, high=options["weeks"])
        late = _weeks(options["late"], "late", low=1, high=options["weeks"])
        weekdays = _weeks(options["weekdays"], "weekdays", low=0, high=6) or None
        try:
            weeks = simulation_run(
                bundle=programme_build(),
                weeks=options["weeks"],
                pain=pain,
                morning_pain=morning,
                track=options["track"],
                equipment=equipment or ["none"],
                sessions_per_week=options["sessions_per_week"],
                minutes_per_day=options["minutes"],
                effort=options["effort"],
                gaps=gaps,
                late=late,
                weekdays=weekdays,
            )
        except (engine.ConfigurationError, ValueError) as error:
            raise CommandError(str(error)) from error
        if options["json"]:
            self.stdout.write(json.dumps(weeks, indent=2, ensure_ascii=False))
            return
        for week in weeks:
            away = "  (away: no sessions)" if week["away"] else ""
            self.stdout.write(f"Week {week['week']:>2}  {week['phase']}{away}")
            if week["summary"]:
                self.stdout.write(f"    {week['summary']}")
            for escalation in week["escalations"]:
                self.stdout.write(f"    ! {escalation['kind']}: {escalation['advice']}")
            for item in week["items"]:
                unit = (
                    f"{item['hold_seconds']} s" if item["hold_seconds"] else f"{item['reps']} reps"
                )
                dose = f"{unit} × {item['sets']}"
                self.stdout.write(
                    f"    {item['exercise']:<32} {dose:<14} {item['shown']:<9} {item['reason']}"
                )
