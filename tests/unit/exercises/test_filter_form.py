from django.http import QueryDict
from hypothesis import given
from hypothesis import strategies as st

from exercises.choices import Equipment, MovementType, Phase, Position, TargetArea, Track
from exercises.forms import LibraryFilterForm

VOCABULARY = {
    "phase": Phase,
    "movement": MovementType,
    "equipment": Equipment,
    "position": Position,
    "track": Track,
    "area": TargetArea,
}
SELECTOR_KEY = {
    "phase": "phases",
    "movement": "movement_types",
    "equipment": "equipment",
    "position": "positions",
    "track": "tracks",
    "area": "target_areas",
}


def _query(pairs) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, value in pairs:
        query.appendlist(key, value)
    return query


def test_valid_values_pass_through():
    form = LibraryFilterForm(
        _query([("phase", "reconnect"), ("phase", "partial-range"), ("q", " bridge ")])
    )
    filters = form.selector_filters()
    assert filters["phases"] == ["reconnect", "partial-range"]
    assert filters["query"] == "bridge"
    assert form.ignored == []
    assert form.active_count() == 1


def test_unknown_values_are_dropped_and_reported():
    form = LibraryFilterForm(_query([("track", "sciatica"), ("track", "bogus"), ("area", "elbow")]))
    filters = form.selector_filters()
    assert filters["tracks"] == ["sciatica"]
    assert filters["target_areas"] == []
    assert form.ignored == ["Track", "Target area"]


keys = st.sampled_from([*VOCABULARY, "q", "page", "other"])
values = st.one_of(
    st.text(max_size=300),
    st.sampled_from([v for vocab in VOCABULARY.values() for v in vocab.values]),
)


@given(st.lists(st.tuples(keys, values), max_size=25))
def test_any_query_string_gives_only_known_values(pairs):
    form = LibraryFilterForm(_query(pairs))
    filters = form.selector_filters()
    for param, vocabulary in VOCABULARY.items():
        chosen = filters[SELECTOR_KEY[param]]
        assert set(chosen) <= set(vocabulary.values)
        sent_valid = {v for k, v in pairs if k == param and v in vocabulary.values}
        assert set(chosen) == sent_valid
    assert len(filters["query"]) <= 100


def test_a_bad_search_box_keeps_the_other_filters():
    form = LibraryFilterForm(_query([("phase", "reconnect"), ("q", "\x00")]))
    filters = form.selector_filters()
    assert filters["phases"] == ["reconnect"]
    assert filters["query"] == ""
