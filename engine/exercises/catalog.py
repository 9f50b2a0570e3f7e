"""Every exercise type, and the one way to turn an id into an exercise.

A type's ``version`` is part of its ids: change what a generator draws and the
version must go up, so an id handed out earlier never silently changes.
"""

from __future__ import annotations

from engine.exercises import (
    gen_backward,
    gen_chain,
    gen_conv,
    gen_matrix,
    gen_network,
    gen_pool,
    gen_signal,
    gen_size,
    gen_transposed,
)
from engine.exercises.ids import (
    MAX_SEED,
    ExerciseId,
    ExerciseIdError,
    check_difficulty,
    check_seed,
    parse_id,
)
from engine.exercises.model import Draft, Exercise, TypeSpec

SPECS: tuple[TypeSpec, ...] = (*gen_size.SPECS, *gen_conv.SPECS, *gen_transposed.SPECS,
                               *gen_pool.SPECS, *gen_matrix.SPECS, *gen_backward.SPECS,
                               *gen_chain.SPECS, *gen_network.SPECS,
                               *gen_signal.SPECS)
TYPES: dict[str, TypeSpec] = {spec.name: spec for spec in SPECS}
MAX_COUNT = 200


def _spec(name: str, field: str = "type") -> TypeSpec:
    try:
        return TYPES[name]
    except KeyError:
        known = ", ".join(TYPES)
        raise ExerciseIdError(f"unknown exercise type {name!r}; the types are {known}",
                              malformed=False) from None


def build(eid: ExerciseId, key: bytes | None = None) -> Exercise:
    """The exercise an id names (drawn with ``key`` when given: see ``ExerciseId.rng``).

    Raises
    ------
    ExerciseIdError
        When the type is unknown or the version is not the current one.
    """
    spec = _spec(eid.type)
    if eid.version != spec.version:
        raise ExerciseIdError(f"{eid.type} has generator version v{spec.version}, not "
                              f"v{eid.version}", malformed=False)
    draft: Draft = spec.generate(eid.rng(key), eid.difficulty)
    draft.answer.value.flags.writeable = False  # an exercise may be shared: keep its key
    return Exercise(id=str(eid), type=eid.type, difficulty=eid.difficulty, seed=eid.seed,
                    version=eid.version, title=draft.title, prompt=draft.prompt,
                    givens=draft.givens, answer=draft.answer, steps=draft.steps,
                    tolerance=draft.tolerance)


def exercise(exercise_id: str, key: bytes | None = None) -> Exercise:
    """The exercise with this id, the same in every process.

    >>> exercise("conv-size.1.0.v1").id
    'conv-size.1.0.v1'
    """
    return build(parse_id(exercise_id), key)


def generate(type: str, difficulty: int, seed: int, key: bytes | None = None) -> Exercise:
    """The exercise of ``type`` at ``difficulty`` (1–3) drawn from ``seed``."""
    spec = TYPES.get(type)
    if spec is None:
        from engine.errors import InputError
        raise InputError("type", f"unknown exercise type {type!r}; the types are "
                         f"{', '.join(TYPES)}")
    return build(ExerciseId(type, check_difficulty(difficulty), check_seed(seed),
                            spec.version), key)


def worksheet(type: str | None, difficulty: int, seed: int, count: int,
              key: bytes | None = None) -> list[Exercise]:
    """``count`` exercises with seeds ``seed, seed + 1, …`` (wrapping past the largest).

    Without a type the worksheet cycles through every type in catalog order.

    >>> [e.id for e in worksheet(None, 1, 5, 2)]
    ['conv-size.1.5.v1', 'transposed-size.1.6.v1']
    """
    from engine.errors import InputError
    if not 1 <= count <= MAX_COUNT:
        raise InputError("count", f"must be 1 … {MAX_COUNT} (the most exercises in one "
                         f"worksheet), got {count}")
    check_seed(seed)
    names = [type] if type is not None else list(TYPES)
    return [generate(names[i % len(names)], difficulty, (seed + i) % (MAX_SEED + 1), key)
            for i in range(count)]
