import copy
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings

from exercises import content
from exercises.choices import TAG_VOCABULARY, MovementType, Phase, TagKind
from exercises.models import Exercise, ExerciseStep, ExerciseTag

pytestmark = pytest.mark.django_db

SEED = content.load_seed("exercises_v1.json")


def test_migration_gives_at_least_30_published_exercises():
    seeded = Exercise.objects.filter(slug__in=[item["slug"] for item in SEED])
    assert seeded.count() == len(SEED)
    assert Exercise.objects.filter(is_published=True).count() >= 30


@pytest.mark.parametrize("phase", Phase.values)
def test_every_phase_has_at_least_four_published_exercises(phase):
    count = Exercise.objects.filter(
        is_published=True, tags__kind=TagKind.PHASE, tags__value=phase
    ).count()
    assert count >= 4


def test_every_variation_link_resolves_and_none_points_to_itself():
    links = 0
    for exercise in Exercise.objects.select_related("easier", "harder"):
        for variation in (exercise.easier, exercise.harder):
            if variation is not None:
                links += 1
                assert variation.pk != exercise.pk
                assert variation.is_published
    wanted = sum(1 for item in SEED for key in ("easier", "harder") if item[key])
    assert links == wanted > 0


def test_seeded_exercises_match_the_json():
    for item in SEED:
        exercise = Exercise.objects.prefetch_related("tags").get(slug=item["slug"])
        assert exercise.name == item["name"]
        assert (
            list(exercise.steps.order_by("order").values_list("text", flat=True)) == item["steps"]
        )
        assert exercise.phases == sorted(item["phases"])
        assert exercise.tracks == sorted(item["tracks"])
        assert exercise.equipment == sorted(item["equipment"])
        assert exercise.hold_seconds == item["dose"]["hold_seconds"]
        assert exercise.reps == item["dose"]["reps"]
        assert exercise.ceiling_sets == item["dose_ceiling"]["sets"]
        assert (exercise.easier.slug if exercise.easier else None) == item["easier"]
        assert (exercise.harder.slug if exercise.harder else None) == item["harder"]


def test_every_tag_row_is_in_its_vocabulary():
    for kind, value in ExerciseTag.objects.values_list("kind", "value"):
        assert value in TAG_VOCABULARY[kind].values


@pytest.mark.parametrize("movement_type", MovementType.values)
def test_each_movement_type_has_a_placeholder_svg(movement_type):
    path = (
        Path(settings.BASE_DIR) / "static" / "exercises" / "placeholders" / f"{movement_type}.svg"
    )
    assert path.is_file()


def test_loading_v1_again_changes_nothing():
    before = list(Exercise.objects.order_by("pk").values())
    report = content.fill_blanks(items=SEED, **content.historical_models(django_apps))
    assert report.created == []
    assert report.filled == {}
    assert list(Exercise.objects.order_by("pk").values()) == before


def test_reverse_removes_the_seeded_slugs_only():
    from tests.factories import ExerciseFactory

    coach_made = ExerciseFactory(slug="coach-made")
    # Pool entries from the programs app may point at seed exercises; detach them first.
    for relation in Exercise._meta.related_objects:
        if relation.related_model._meta.app_label != "exercises":
            relation.related_model.objects.all().delete()
    seeded = [*content.seed_slugs("exercises_v1.json"), *content.seed_slugs("exercises_v2.json")]
    content.remove_seeded(slugs=seeded, exercise_model=Exercise)
    assert list(Exercise.objects.values_list("slug", flat=True)) == [coach_made.slug]
    content.fill_blanks(items=SEED, **content.historical_models(django_apps))
    assert Exercise.objects.count() == len(SEED) + 1


class TestFillBlanks:
    """A later content file (v2) fills only what is empty and never overwrites a coach's edit."""

    unused_phase = next(
        p
        for p in Phase.values
        if p not in next(i for i in SEED if i["slug"] == "dead-bug-hold")["phases"]
    )

    def _v2(self) -> list[dict]:
        items = copy.deepcopy(SEED)
        by_slug = {item["slug"]: item for item in items}
        by_slug["dead-bug-hold"]["purpose"] = "New wording from the content team."
        by_slug["dead-bug-hold"]["benefits"] = "New benefits text."
        by_slug["dead-bug-hold"]["steps"] = ["A single new step."]
        by_slug["dead-bug-hold"]["phases"] = [self.unused_phase]
        by_slug["bird-dog"]["cautions"] = "Fresh caution text."
        by_slug["bird-dog"]["harder"] = "dead-bug"
        by_slug["glute-bridge"]["dose_ceiling"]["reps"] = 40
        new = copy.deepcopy(by_slug["wall-plank"])
        new.update(slug="wall-plank-slow", name="Slow wall plank", easier="wall-plank", harder=None)
        items.append(new)
        return items

    def test_coach_edits_survive_and_blanks_are_filled(self):
        dead_bug_hold = Exercise.objects.get(slug="dead-bug-hold")
        dead_bug_hold.purpose = "The coach's own purpose."
        dead_bug_hold.benefits = ""  # a coach cleared it: v2 may fill it
        dead_bug_hold.save()
        bird_dog = Exercise.objects.get(slug="bird-dog")
        bird_dog.cautions = ""
        bird_dog.harder = None  # blank link: v2 may fill it
        bird_dog.save()
        glute_bridge = Exercise.objects.get(slug="glute-bridge")
        glute_bridge.ceiling_reps = None
        glute_bridge.save()
        ExerciseStep.objects.filter(exercise__slug="dead-bug-hold", order=1).update(
            text="Coach step."
        )
        wall_plank = Exercise.objects.get(slug="wall-plank")
        wall_plank.name = "Wall plank (coach)"
        wall_plank.save()

        report = content.fill_blanks(items=self._v2(), **content.historical_models(django_apps))

        dead_bug_hold.refresh_from_db()
        assert dead_bug_hold.purpose == "The coach's own purpose."
        assert dead_bug_hold.benefits == "New benefits text."
        # Steps and phases exist, so they are the coach's and stay.
        assert dead_bug_hold.steps.get(order=1).text == "Coach step."
        assert dead_bug_hold.steps.count() > 1
        assert self.unused_phase not in Exercise.objects.get(slug="dead-bug-hold").phases
        bird_dog.refresh_from_db()
        assert bird_dog.cautions == "Fresh caution text."
        assert bird_dog.harder.slug == "dead-bug"
        glute_bridge.refresh_from_db()
        assert glute_bridge.ceiling_reps == 40
        assert Exercise.objects.get(slug="wall-plank").name == "Wall plank (coach)"
        added = Exercise.objects.get(slug="wall-plank-slow")
        assert added.is_published and added.easier.slug == "wall-plank"
        assert report.created == ["wall-plank-slow"]
        assert set(report.filled) == {"dead-bug-hold", "bird-dog", "glute-bridge"}

    def test_existing_links_and_tags_are_never_replaced(self):
        bird_dog = Exercise.objects.get(slug="bird-dog")
        bird_dog.harder = Exercise.objects.get(slug="side-plank")
        bird_dog.save()
        ExerciseTag.objects.filter(exercise=bird_dog, kind=TagKind.TRACK).exclude(
            value="general"
        ).delete()

        content.fill_blanks(items=self._v2(), **content.historical_models(django_apps))

        bird_dog.refresh_from_db()
        assert bird_dog.harder.slug == "side-plank"
        assert bird_dog.tracks == ["general"]

    def test_a_floor_that_no_longer_fits_the_coach_dose_is_skipped(self):
        glute_bridge = Exercise.objects.get(slug="glute-bridge")
        glute_bridge.floor_reps = None
        glute_bridge.reps = 3  # coach lowered the dose below the file's floor
        glute_bridge.save()
        item = next(i for i in copy.deepcopy(SEED) if i["slug"] == "glute-bridge")
        assert item["dose_floor"]["reps"] > 3

        content.fill_blanks(items=[item], **content.historical_models(django_apps))

        glute_bridge.refresh_from_db()
        assert glute_bridge.floor_reps is None
        assert glute_bridge.reps == 3
