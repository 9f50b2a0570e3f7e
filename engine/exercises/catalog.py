"""Every exercise type, and the one way to turn an id into an exercise.

A type's ``version`` is part of its ids: change what a generator draws and the
version must go up, so an id handed out earlier never silently changes.
"""

from __future__ import annotations

import numpy as np

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
    generate = spec.generator(eid.version)
    if generate is None:
        versions = sorted([spec.version, *dict(spec.older)])
        known = ", ".join(f"v{v}" for v in versions)
        raise ExerciseIdError(f"{eid.type} has generator version{'s' if len(versions) > 1 else ''}"
                              f" {known}, not v{eid.version}", malformed=False)
    rng = eid.rng(key)
    draft: Draft = generate(rng, eid.difficulty)
    if eid.version >= spec.sound_from:
        for _ in range(200):  # the same random numbers go on: still one exercise per id
            if not degenerate(eid.type, draft):
                break
            draft = generate(rng, eid.difficulty)
    draft.answer.value.flags.writeable = False  # an exercise may be shared: keep its key
    return Exercise(id=str(eid), type=eid.type, difficulty=eid.difficulty, seed=eid.seed,
                    version=eid.version, title=draft.title, prompt=draft.prompt,
                    givens=draft.givens, answer=draft.answer, steps=draft.steps,
                    tolerance=draft.tolerance)


def degenerate(type_: str, draft: Draft) -> bool:
    """A draft a graded course should not get: a given matrix or the answer all zeros, or
    a true-convolution exercise whose two answers agree (the kernel's rotation changes
    nothing, so it cannot tell who rotated it)."""
    if not draft.answer.value.any():
        return True
    if any(g.is_matrix and not np.asarray(g.value, dtype=np.float64).any()
           for g in draft.givens):
        return True
    return type_ == "true-conv" and bool(draft.answer.value[0] == draft.answer.value[1])


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
    """``count`` exercises with seeds ``seed, seed + 1, …`` (wrapping past the largest),
    skipping a seed whose exercise is on the sheet already.

    Without a type the worksheet cycles through every type in catalog order.

    >>> [e.id for e in worksheet(None, 1, 5, 2)]
    ['conv-size.1.5.v2', 'transposed-size.1.6.v2']
    """
    from engine.errors import InputError
    if not 1 <= count <= MAX_COUNT:
        raise InputError("count", f"must be 1 … {MAX_COUNT} (the most exercises in one "
                         f"worksheet), got {count}")
    check_seed(seed)
    names = [type] if type is not None else list(TYPES)
    sheet: list[Exercise] = []
    seen: set[str] = set()
    next_seed = seed
    for i in range(count):
        kind = names[i % len(names)]
        # Never the same exercise twice on one sheet: a seed that repeats one is skipped.
        for _ in range(64):
            made = generate(kind, difficulty, next_seed % (MAX_SEED + 1), key)
            next_seed += 1
            fingerprint = _fingerprint(made)
            if fingerprint not in seen:
                break
        seen.add(fingerprint)
        sheet.append(made)
    return sheet


def _fingerprint(e: Exercise) -> str:
    """What makes two exercises the same for a student: the type, the text, the givens."""
    import json

    return json.dumps([e.type, e.prompt, [g.value for g in e.givens]], sort_keys=True)
