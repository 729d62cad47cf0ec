def _concerns(**overrides):
    from datetime import date

    from programs.engine.outcomes import recheck_concerns

    values = {
        "started_on": date(2026, 9, 1),
        "taken_on": date(2026, 9, 29),
        "start_pain": 6,
        "now_pain": 6,
        "start_function": 4,
        "now_function": 4,
    }
    return [c.value for c in recheck_concerns(**{**values, **overrides})]


def test_recheck_concerns_follow_the_month_rule():
    from datetime import date

    assert _concerns() == ["no_improvement"]  # a month on, no better
    assert _concerns(now_pain=4) == []  # 2 points down: meaningful
    assert _concerns(taken_on=date(2026, 9, 20)) == []  # too soon to judge no change
    assert _concerns(taken_on=date(2026, 9, 20), now_pain=8) == ["no_improvement"]  # worse
    assert _concerns(start_pain=2, now_pain=2) == []  # little pain left to ease
    assert _concerns(now_pain=4, now_function=6) == ["function_worse"]
    assert _concerns(start_pain=None) == []
