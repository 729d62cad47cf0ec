import json

import pytest
from django.urls import reverse

from exercises import content, selectors
from exercises.models import Exercise
from tests.factories import ExerciseFactory, ExerciseImageFactory

pytestmark = pytest.mark.django_db

LIST = reverse("exercises:list")
POSES = json.loads((content.SEED_DIR / "poses_v1.json").read_text())


@pytest.fixture
def library():
    """Hide the seeded content so each test controls exactly what is published."""
    Exercise.objects.update(is_published=False)

    def make(**kwargs):
        return ExerciseFactory(**kwargs)

    return make


def names(response) -> set[str]:
    return {exercise.name for exercise in response.context["page_obj"].object_list}


def test_library_shows_published_exercises_only(client, library):
    shown = library(name="Shown")
    library(name="Hidden", is_published=False)
    response = client.get(LIST)
    assert response.status_code == 200
    assert names(response) == {"Shown"}
    assert shown.get_absolute_url() in response.content.decode()


@pytest.mark.parametrize(
    ("param", "value", "match", "miss"),
    [
        ("phase", "reconnect", {"phases": ["reconnect"]}, {"phases": ["partial-range"]}),
        ("track", "sciatica", {"tracks": ["sciatica"]}, {"tracks": ["general"]}),
        ("area", "glutes", {"target_areas": ["glutes"]}, {"target_areas": ["calves"]}),
        ("equipment", "wall", {"equipment": ["wall", "chair"]}, {"equipment": ["none"]}),
        ("movement", "balance", {"movement_type": "balance"}, {"movement_type": "compression"}),
        ("position", "prone", {"position": "prone"}, {"position": "standing"}),
    ],
)
def test_each_filter(client, library, param, value, match, miss):
    library(name="Match", **match)
    library(name="Miss", **miss)
    response = client.get(LIST, {param: value})
    assert names(response) == {"Match"}


def test_filters_combine_across_kinds_and_any_within_a_kind(client, library):
    library(name="Both", phases=["reconnect"], equipment=["wall"], position="standing")
    library(name="Phase only", phases=["reconnect"], equipment=["none"], position="standing")
    library(name="Other phase", phases=["partial-range"], equipment=["wall"], position="standing")
    library(name="Lying", phases=["reconnect"], equipment=["wall"], position="supine")
    response = client.get(LIST, {"phase": "reconnect", "equipment": "wall", "position": "standing"})
    assert names(response) == {"Both"}
    response = client.get(
        LIST + "?phase=reconnect&phase=partial-range&equipment=wall&position=standing"
    )
    assert names(response) == {"Both", "Other phase"}


def test_an_exercise_with_several_matching_tags_is_listed_once(client, library):
    library(name="Many", phases=["reconnect", "partial-range"])
    response = client.get(LIST + "?phase=reconnect&phase=partial-range")
    assert [e.name for e in response.context["page_obj"].object_list] == ["Many"]


@pytest.mark.parametrize("query", ["bridge", "BRIDGE", "squeeze your glutes", "lift the hips"])
def test_search_covers_name_purpose_and_steps(client, library, query):
    library(
        name="Glute bridge",
        purpose="Squeeze your glutes to lift.",
        steps=["Lie down.", "Lift the hips slowly."],
    )
    library(name="Cat-cow", purpose="Mobilise the spine.", steps=["Round the back."])
    response = client.get(LIST, {"q": query})
    assert names(response) == {"Glute bridge"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sciatica", {"Nerve slider", "Piriformis stretch"}),
        ("Sciatic", {"Nerve slider", "Piriformis stretch"}),
        ("all fours", {"Bird-dog"}),
        ("hands and knees", {"Bird-dog"}),
        ("band", {"Band pull"}),
        ("older", {"Sit to stand"}),
    ],
)
def test_search_understands_tracks_tags_and_everyday_words(client, library, query, expected):
    library(name="Nerve slider", target_areas=["sciatic_nerve"], movement_type="nerve_glide")
    library(name="Piriformis stretch", tracks=["sciatica"], position="supine")
    library(name="Bird-dog", position="quadruped")
    library(name="Band pull", equipment=["resistance_band"], position="standing")
    library(name="Sit to stand", tracks=["active-ageing"], position="seated")
    response = client.get(LIST, {"q": query})
    assert names(response) == expected


def test_search_and_filters_combine(client, library):
    library(name="Wall bridge", equipment=["wall"])
    library(name="Floor bridge", equipment=["none"])
    response = client.get(LIST, {"q": "bridge", "equipment": "wall"})
    assert names(response) == {"Wall bridge"}


@pytest.mark.parametrize(
    "query",
    [
        "?phase=nonsense",
        "?phase=reconnect&phase=nonsense",
        "?page=999",
        "?page=-1",
        "?page=abc",
        "?q=" + "x" * 500,
        "?area=" + "y" * 5000,
    ],
)
def test_bad_query_strings_never_500(client, library, query):
    library(name="Anything", phases=["reconnect"])
    response = client.get(LIST + query)
    assert response.status_code == 200


def test_a_nul_byte_is_refused_at_the_door(client, library):
    # backcore.middleware.RejectNulBytesMiddleware answers 400 before any view runs.
    assert client.get(LIST + "?movement=%00").status_code == 400


def test_unknown_values_are_ignored_with_a_notice(client, library):
    library(name="Reconnect one", phases=["reconnect"])
    library(name="Other", phases=["partial-range"])
    response = client.get(LIST + "?phase=reconnect&phase=nonsense")
    assert names(response) == {"Reconnect one"}
    assert "We ignored a filter value" in response.content.decode()


def test_pagination_keeps_filters_in_the_links(client, library):
    for n in range(14):
        library(name=f"Ex {n:02d}", phases=["reconnect"])
    response = client.get(LIST, {"phase": "reconnect"})
    page = response.context["page_obj"]
    assert len(page.object_list) == 12 and page.paginator.num_pages == 2
    assert "phase=reconnect&amp;page=2" in response.content.decode()
    second = client.get(LIST, {"phase": "reconnect", "page": 2})
    assert len(second.context["page_obj"].object_list) == 2


@pytest.mark.parametrize("rows", [1, 50])
def test_library_query_count_is_constant(client, library, rows, django_assert_num_queries):
    for n in range(rows):
        exercise = library(phases=["reconnect"], tracks=["general"], equipment=["none"])
        if n % 5 == 0:
            ExerciseImageFactory(exercise=exercise)
    # count, page, tags, images, steps (the figures' text alternatives)
    with django_assert_num_queries(5):
        response = client.get(LIST, {"phase": "reconnect", "q": "exercise"})
    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == min(rows, 12)


@pytest.mark.parametrize("rows", [1, 50])
def test_catalogue_selector_query_count_is_constant(library, rows, django_assert_num_queries):
    for _ in range(rows):
        library(phases=["reconnect", "partial-range"], tracks=["sciatica"])
    with django_assert_num_queries(3):
        catalogue = selectors.exercise_catalogue()
        specs = [
            (e.slug, e.phases, e.tracks, e.equipment, e.easier, e.card_image_url) for e in catalogue
        ]
    assert len(specs) == rows
    assert all(spec[1] == ["partial-range", "reconnect"] for spec in specs)


def test_cards_show_the_placeholder_or_the_thumbnail(
    client, library, django_capture_on_commit_callbacks
):
    library(name="Plain", movement_type="balance")
    pictured = library(name="Pictured")
    with django_capture_on_commit_callbacks(execute=True):
        from exercises import services
        from tests.imaging import jpeg_upload

        services.exercise_image_add(
            exercise=pictured, upload=jpeg_upload(), alt_text="Lying on a mat"
        )
    html = client.get(LIST).content.decode()
    assert "/static/exercises/placeholders/balance.svg" in html
    assert "-320.webp" in html


class TestDetail:
    def test_shows_steps_dose_variations_and_programme_place(self, client):
        exercise = Exercise.objects.get(slug="bird-dog")
        response = client.get(exercise.get_absolute_url())
        html = response.content.decode()
        assert response.status_code == 200
        for step in exercise.steps.all():
            assert step.text.replace("'", "&#x27;") in html
        assert exercise.cautions.replace("'", "&#x27;")[:40] in html
        assert exercise.easier.get_absolute_url() in html
        assert exercise.harder.get_absolute_url() in html
        assert "?phase=" in html and "?track=" in html
        assert f"{exercise.floor_reps}–{exercise.ceiling_reps} reps" in html
        # The seeded exercise has its own animated figure instead of the generic placeholder.
        assert f"/static/exercises/placeholders/{exercise.movement_type}.svg" not in html
        assert 'class="figure-svg figure-anim-svg fx-bird-dog"' in html
        assert "/exercises/bird-dog/figure.css?v=" in html

    def test_video_link_and_gallery(self, client, library):
        exercise = library(video_url="https://video.example.org/bird-dog")
        ExerciseImageFactory(exercise=exercise, alt_text="First picture", is_main=True)
        ExerciseImageFactory(exercise=exercise, alt_text="Second picture", order=1)
        html = client.get(exercise.get_absolute_url()).content.decode()
        assert "https://video.example.org/bird-dog" in html
        assert "First picture" in html and "Second picture" in html

    def test_unpublished_is_404_for_the_public_and_members(self, client, member, library):
        exercise = library(is_published=False)
        assert client.get(exercise.get_absolute_url()).status_code == 404
        client.force_login(member)
        assert client.get(exercise.get_absolute_url()).status_code == 404
        assert client.get(reverse("exercises:detail", args=["no-such-thing"])).status_code == 404

    def test_unpublished_is_visible_to_staff_with_a_banner(self, client, coach, library):
        exercise = library(is_published=False)
        client.force_login(coach)
        response = client.get(exercise.get_absolute_url())
        assert response.status_code == 200
        assert "Not published." in response.content.decode()

    def test_unpublished_variation_is_not_linked_for_the_public(self, client, library):
        hidden = library(is_published=False)
        exercise = library(harder=hidden)
        html = client.get(exercise.get_absolute_url()).content.decode()
        assert hidden.get_absolute_url() not in html

    @pytest.mark.parametrize("gallery", [0, 1, 8])
    def test_detail_query_count_is_constant(
        self, client, library, gallery, django_assert_num_queries
    ):
        exercise = library(
            phases=["reconnect"], tracks=["general"], harder=library(), easier=library()
        )
        for n in range(gallery):
            ExerciseImageFactory(exercise=exercise, order=n)
        # The exercise with its variations; the phase pools' doses; its tags, images and steps
        # (a first visit: a kept page reads neither, see test_exercise_page_kept).
        with django_assert_num_queries(5):
            assert client.get(exercise.get_absolute_url()).status_code == 200


class TestDrawnCards:
    """Cards and filters are drawn once per process, and afresh after any edit."""

    def test_an_edit_to_an_exercise_its_tags_steps_or_images_shows_at_once(self, client, library):
        from exercises import services
        from exercises.choices import TagKind
        from exercises.models import ExerciseStep

        exercise = library(name="Bridge", purpose="Wake the glutes.", equipment=["none"])
        assert "Wake the glutes." in client.get(LIST).content.decode()
        assert "Wake the glutes." in client.get(LIST).content.decode()  # drawn, then kept
        exercise.purpose = "Strong hips."
        exercise.save(update_fields=["purpose"])
        html = client.get(LIST).content.decode()
        assert "Strong hips." in html and "Wake the glutes." not in html
        services.exercise_tags_set(
            exercise=exercise, kind=TagKind.EQUIPMENT, values=["none", "chair"]
        )
        assert "Chair" in client.get(LIST).content.decode()
        placeholder = Exercise.objects.get(pk=exercise.pk).card_image_url
        assert placeholder in html
        ExerciseImageFactory(exercise=exercise, is_main=True)
        photo = Exercise.objects.get(pk=exercise.pk).card_image_url
        html = client.get(LIST).content.decode()
        assert photo != placeholder and photo in html and placeholder not in html
        # with a figure, the card's text alternative reads the steps
        exercise.demonstration = POSES["glute-bridge"]
        exercise.save(update_fields=["demonstration"])
        assert "Breathe out slowly." not in client.get(LIST).content.decode()
        ExerciseStep.objects.create(exercise=exercise, order=9, text="Breathe out slowly.")
        assert "Breathe out slowly." in client.get(LIST).content.decode()
        exercise.delete()
        assert "Bridge" not in names(client.get(LIST))

    def test_ticked_filters_are_drawn_for_their_own_values(self, client, library):
        library(name="Wall sit", equipment=["wall"])
        plain = client.get(LIST).content.decode()
        ticked = client.get(LIST, {"equipment": "wall"}).content.decode()
        assert 'value="wall" id="id_equipment_' in plain
        assert 'value="wall" id="id_equipment_' in ticked
        assert plain.count(" checked") == 0
        assert ticked.count(" checked") == 1
        assert client.get(LIST).content.decode().count(" checked") == 0

    @pytest.mark.parametrize("rows", [1, 30])
    def test_a_drawn_page_keeps_its_query_count(
        self, client, library, rows, django_assert_num_queries
    ):
        for _ in range(rows):
            library(phases=["reconnect"])
        # count, page (ids and names), the listed exercises' rows, their tags, images, steps
        with django_assert_num_queries(6):
            first = client.get(LIST)
        # count and page: the cards drawn by the first visit read no tags, images or steps
        with django_assert_num_queries(2):
            again = client.get(LIST)
        assert again.status_code == 200 and names(again) == names(first)

    @pytest.mark.parametrize("query", [{}, {"page": "1"}, {"q": "bridge"}])
    def test_rows_read_before_an_edit_commits_are_never_kept_under_its_version(
        self, client, library, monkeypatch, query
    ):
        from exercises import cache, selectors

        exercise = library(name="Bridge", purpose="Wake the glutes.")
        read = selectors.exercise_library_page

        def edited_meanwhile(**kwargs):
            page = read(**kwargs)
            # Another worker's edit commits after this request read the rows: the library
            # gets its new version (exercises.cache.library_changed, again on commit).
            Exercise.objects.filter(pk=exercise.pk).update(purpose="Strong hips.")
            cache.library_invalidate()
            return page

        monkeypatch.setattr(selectors, "exercise_library_page", edited_meanwhile)
        # (the whole library reads its cards' rows only to draw them: there, after the edit)
        assert client.get(LIST, query).status_code == 200
        monkeypatch.undo()
        html = client.get(LIST, query).content.decode()
        assert "Strong hips." in html and "Wake the glutes." not in html

    def test_an_edit_made_in_another_process_shows_at_once(self, client, library):
        from exercises import cache, services

        exercise = library(name="Bridge", purpose="Wake the glutes.", equipment=["none"])
        client.get(LIST)
        client.get(LIST, {"q": "bridge"})
        kept = dict(cache._drawn)
        exercise.purpose = "Strong hips."
        exercise.save(update_fields=["purpose"])
        services.exercise_tags_set(exercise=exercise, kind="equipment", values=["chair"])
        cache._drawn.update(kept)  # this process never heard of the edit: only the version
        for query in ({}, {"q": "bridge"}):
            html = client.get(LIST, query).content.decode()
            assert "Strong hips." in html and "Chair" in html, query

    @pytest.mark.parametrize("how", ["admin action", "update without a signal"])
    def test_a_withdrawn_exercise_leaves_a_kept_page_at_once(self, client, coach, library, how):
        shown = library(name="Shown")
        withdrawn = library(name="Withdrawn")
        assert names(client.get(LIST)) == {"Shown", "Withdrawn"}
        if how == "admin action":
            coach_client = type(client)()
            coach_client.force_login(coach)
            coach_client.post(
                reverse("admin:exercises_exercise_changelist"),
                {"action": "unpublish", "_selected_action": [withdrawn.pk]},
            )
        else:
            Exercise.objects.filter(pk=withdrawn.pk).update(is_published=False)
        response = client.get(LIST)
        assert names(response) == {"Shown"}
        html = response.content.decode()
        assert withdrawn.get_absolute_url() not in html and shown.get_absolute_url() in html
        assert "1 exercise\n" in html
