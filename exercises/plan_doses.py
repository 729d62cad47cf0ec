"""Where plans take an exercise's doses from, for the library page and the exercise admin.

Plans dose an exercise from the pool of each phase that uses it; the library's own numbers are a
default. The pools belong to `programs`, which `exercises` never imports, so programs registers a
reader here from its AppConfig.ready()."""

from collections.abc import Callable

# exercise id → lines such as "In Reconnect: 8–12 reps × 1–2 sets, start 8 reps × 1 set"
Reader = Callable[[int], list[str]]
_readers: list[Reader] = []


def register(reader: Reader) -> None:
    if reader not in _readers:
        _readers.append(reader)


def plan_doses(exercise_id: int) -> list[str]:
    return [line for reader in _readers for line in reader(exercise_id)]
