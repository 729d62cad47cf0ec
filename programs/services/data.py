"""Your data: a CSV of every logged exercise and a JSON file of everything a member owns.

Reads only; each export runs a fixed number of queries. Community data is not included here
(programs never imports community); forum posts are anonymised on deletion by community itself.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, time

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Prefetch

from backcore.accounts.models import Membership, Profile
from programs.models import (
    CalendarFeed,
    Enrolment,
    Intake,
    MemberDose,
    PlannedItem,
    PlannedSession,
    ProgressionDecision,
    ReminderSent,
    ReminderSettings,
    SafetyScreen,
)

CSV_COLUMNS = [
    "date",
    "session_status",
    "logged_late",
    "exercise",
    "role",
    "planned_hold_seconds",
    "planned_reps",
    "planned_sets",
    "per_side",
    "actual_seconds",
    "actual_reps",
    "actual_sets",
    "sides_done",
    "target_met",
    "completed_at",
    "pain_during",
    "sharp_pain",
    "effort",
    "morning_pain",
]
SKIP_FIELDS = {"member", "user", "token"}


def _value(value):
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


def _row(instance: models.Model, *, skip: set[str] = SKIP_FIELDS) -> dict:
    """Every concrete field; foreign keys as their id, except the member (implicit)."""
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in skip:
            continue
        if field.is_relation:
            data[f"{field.name}_id"] = getattr(instance, field.attname)
        elif isinstance(field, models.FileField):
            data[field.name] = getattr(instance, field.name).name or ""
        else:
            data[field.name] = _value(getattr(instance, field.attname))
    return data


def logged_items(*, member):
    return (
        PlannedItem.objects.filter(session__member=member, completed_at__isnull=False)
        .select_related("session", "exercise")
        .order_by("session__date", "order")
    )


def export_csv(*, member) -> str:
    """One row per logged exercise (one query)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for item in logged_items(member=member):
        s = item.session
        writer.writerow(
            [
                s.date.isoformat(),
                s.status,
                s.logged_late,
                item.exercise.name,
                item.role,
                item.hold_seconds,
                item.reps,
                item.sets,
                item.per_side,
                item.actual_seconds,
                item.actual_reps,
                item.actual_sets,
                item.sides_done,
                item.target_met,
                item.completed_at.isoformat(),
                s.pain_during,
                s.sharp_pain,
                s.effort,
                s.morning_pain,
            ]
        )
    return buffer.getvalue()


def export_everything(*, member) -> dict:
    """Everything the programme and the account hold about the member."""
    profile = Profile.objects.filter(user=member).first()
    membership = Membership.objects.filter(user=member).first()
    intake = Intake.objects.filter(member=member).first()
    enrolment = Enrolment.objects.filter(member=member).select_related("phase").first()
    reminder = ReminderSettings.objects.filter(member=member).first()
    sessions = (
        PlannedSession.objects.filter(member=member)
        .select_related("phase")
        .prefetch_related(
            Prefetch(
                "items", queryset=PlannedItem.objects.select_related("exercise").order_by("order")
            )
        )
        .order_by("date")
    )
    return {
        "format": "backcore-export-1",
        "account": {
            "email": member.email,
            "date_joined": _value(member.date_joined),
            "last_login": _value(member.last_login),
        },
        "profile": _row(profile) if profile else None,
        "membership": _row(membership) if membership else None,
        "intake": _row(intake) if intake else None,
        "safety_screens": [_row(s) for s in SafetyScreen.objects.filter(member=member)],
        "enrolment": (_row(enrolment) | {"phase": enrolment.phase.name}) if enrolment else None,
        "doses": [_row(d) for d in MemberDose.objects.filter(member=member).order_by("id")],
        "sessions": [
            _row(s)
            | {
                "phase": s.phase.name,
                "items": [_row(i) | {"exercise": i.exercise.name} for i in s.items.all()],
            }
            for s in sessions
        ],
        "decisions": [
            _row(d)
            for d in ProgressionDecision.objects.filter(member=member).order_by("week_start", "id")
        ],
        "reminder_settings": _row(reminder) if reminder else None,
        "reminders_sent": [
            _row(r) for r in ReminderSent.objects.filter(member=member).order_by("local_date")
        ],
        "calendar_feeds": [
            _row(f) for f in CalendarFeed.objects.filter(member=member).order_by("created_at")
        ],
    }


def export_json(*, member) -> str:
    return json.dumps(export_everything(member=member), cls=DjangoJSONEncoder, indent=2)
