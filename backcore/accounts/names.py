"""The name other members see for a member: one rule, for a user object or a row read without
one (the moderation queue reads names as plain values)."""


def public_name_of(*, member_id: int, display_name: str | None) -> str:
    """Their display name, else "Member <id>": never the email address."""
    return display_name or f"Member {member_id}"
