"""Who needs to hear that coaches changed exercises (saved, withdrawn, published, deleted).

Plans made from the library live in `programs`, which `exercises` never imports: programs
registers a listener here from its AppConfig.ready() (it replans the stored plans those
exercises are in). Listeners are called inside the edit's transaction and do their work after
it commits."""

from collections.abc import Callable, Iterable

# (exercise ids, a one-line summary for the record) → None
Listener = Callable[..., None]
_listeners: list[Listener] = []


def register(listener: Listener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def announce(*, exercise_ids: Iterable[int], summary: str) -> None:
    ids = sorted({pk for pk in exercise_ids if pk is not None})
    if not ids:
        return
    for listener in _listeners:
        listener(exercise_ids=ids, summary=summary)
