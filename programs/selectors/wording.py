"""Reasons worth reading: what a plan's items have in common is said once for the session,
and each exercise keeps only what is its own."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass


def _lead(text: str) -> tuple[str, str]:
    """The first sentence of `text` and the rest ('' when there is only one sentence)."""
    head, sep, rest = text.partition(". ")
    if not sep:
        return "", text
    return head + ".", rest


@dataclass(frozen=True)
class PlanWording:
    session_notes: list[str]  # said once, above the exercises
    reasons: dict[int, str]  # item pk → its own reason
    whys: dict[int, str]  # item pk → its own "why today" ('' for none)


def plan_wording(items, *, first_plan: bool) -> PlanWording:
    """Hoist sentences repeated across items to the session; on a member's first plan, drop
    the per-exercise "why today" of the main exercises (none has been done before)."""
    leads = {item.pk: _lead(item.reason or "") for item in items}
    lead_counts = Counter(lead for lead, _rest in leads.values() if lead)
    shared_leads = [lead for lead, count in lead_counts.items() if count > 1]
    whys = {
        item.pk: "" if first_plan and item.role == "main" else (item.why_today or "").strip()
        for item in items
    }
    why_counts = Counter(why for why in whys.values() if why)
    shared_whys = [why for why, count in why_counts.items() if count > 1]
    notes = list(shared_leads)
    if first_plan and any(item.role == "main" for item in items):
        notes.append("Your first session: every exercise is new, so each starts gently.")
    notes.extend(shared_whys)
    return PlanWording(
        session_notes=notes,
        reasons={
            pk: rest if lead in shared_leads else (f"{lead} {rest}" if lead else rest)
            for pk, (lead, rest) in leads.items()
        },
        whys={pk: "" if why in shared_whys else why for pk, why in whys.items()},
    )
