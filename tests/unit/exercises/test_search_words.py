from exercises.search import vocabulary_matches


def test_sciatica_names_the_track_and_the_nerve():
    matches = vocabulary_matches("sciatica")
    assert matches["track"] == ["sciatica"]
    assert "sciatic_nerve" in matches["target_area"]
    assert matches["movement_type"] == ["nerve_glide"]


def test_short_common_words_do_not_spread():
    # "back" must not pull in the back-extension bench by a shared stem.
    assert vocabulary_matches("backs")["equipment"] == []
    assert vocabulary_matches("zzz") == {k: [] for k in vocabulary_matches("zzz")}


def test_plural_and_singular_meet():
    assert "glutes" in vocabulary_matches("glute")["target_area"]
    assert "hamstrings" in vocabulary_matches("hamstring")["target_area"]
