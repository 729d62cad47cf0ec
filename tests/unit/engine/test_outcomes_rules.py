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


def test_meaningful_levels_are_where_the_change_rules_turn_meaningful():
    from hypothesis import given
    from hypothesis import strategies as st

    from programs.engine.outcomes import (
        function_change,
        function_meaningful_level,
        goal_change,
        goal_meaningful_level,
        pain_change,
        pain_meaningful_level,
    )

    @given(st.integers(0, 10), st.integers(0, 10))
    def pain_and_goal(start, now):
        level = pain_meaningful_level(start=start)
        gain = pain_change(start=start, now=now).is_meaningful_gain
        assert gain == (level is not None and now <= level)
        level = goal_meaningful_level(start=start)
        gain = goal_change(start=start, now=now).is_meaningful_gain
        assert gain == (level is not None and now >= level)

    @given(st.integers(0, 24), st.integers(0, 24))
    def function(start, now):
        level = function_meaningful_level(start=start)
        gain = function_change(start=start, now=now).is_meaningful_gain
        assert gain == (level is not None and now <= level)

    pain_and_goal()
    function()
    assert pain_meaningful_level(start=6) == 4 and pain_meaningful_level(start=3) == 2
    assert pain_meaningful_level(start=0) is None and goal_meaningful_level(start=9) is None


def test_a_concern_always_makes_a_non_responder():
    from programs.engine.outcomes import (
        Concern,
        Response,
        goal_change,
        pain_change,
        recheck_response,
    )

    better_goal = goal_change(start=2, now=7)
    assert recheck_response(concerns=(), changes=(better_goal,)) is Response.RESPONDING
    assert recheck_response(concerns=(), changes=(pain_change(start=6, now=5),)) is (
        Response.NOT_YET
    )
    assert (
        recheck_response(concerns=(Concern.NO_IMPROVEMENT,), changes=(better_goal,))
        is Response.NOT_RESPONDING
    )
