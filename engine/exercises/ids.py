"""Exercise ids: ``<type>.<difficulty>.<seed>.v<version>``, e.g. ``conv-output.2.12345.v1``.

URL-safe, readable, and canonical (no leading zeros, lower case), so one
exercise has exactly one id. The random numbers of an exercise come from
``numpy.random.default_rng`` seeded with a SHA-256 of the canonical id, never
from Python's ``hash()`` (randomised per process), so every replica draws the
same exercise.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

import numpy as np

from engine.errors import InputError

MAX_SEED = 2**32 - 1
DIFFICULTIES = (1, 2, 3)
MAX_ID_LENGTH = 64
SIGNATURE_LENGTH = 16  # hex digits of an HMAC-SHA256 a graded server appends to its ids



def at_most(limit: int) -> str:
    """A regular expression for the canonical decimals 0 … ``limit`` (no leading zero).

    >>> import re
    >>> [bool(re.fullmatch(at_most(305), s)) for s in ("0", "305", "306", "299", "07", "1000")]
    [True, True, False, True, False, False]
    """
    digits = str(limit)
    shorter = [f"[1-9][0-9]{{{n - 1}}}" if n > 1 else "[0-9]" for n in range(1, len(digits))]
    same: list[str] = []  # as long as the limit: equal up to a place, smaller there
    for i, d in enumerate(digits):
        low = "1" if i == 0 and len(digits) > 1 else "0"
        rest = len(digits) - i - 1
        if int(d) > int(low):
            tail = f"[0-9]{{{rest}}}" if rest else ""
            same.append(f"{digits[:i]}[{low}-{int(d) - 1}]{tail}")
    same.append(digits)
    return "(?:" + "|".join([*shorter, *same]) + ")"


# The one syntax of an id, ranges included: the API's schema publishes it as the path
# parameter's pattern, so an id it accepts is one the server parses. Unknown types and
# versions are well formed (a 404, not a 422).
ID_PATTERN = (rf"^([a-z][a-z0-9-]*)\.([1-3])\.({at_most(MAX_SEED)})\.v([1-9][0-9]*)"
              rf"(?:\.[0-9a-f]{{{SIGNATURE_LENGTH}}})?$")
_ID = re.compile(r"([a-z][a-z0-9-]*)\.([0-9]+)\.([0-9]+)\.v([0-9]+)")


class ExerciseIdError(InputError):
    """An id that names no exercise. ``malformed`` ids break the syntax or a range
    (a 422); the others are well formed but name an unknown type or version (a 404)."""

    def __init__(self, message: str, *, malformed: bool) -> None:
        super().__init__("exercise_id", message)
        self.malformed = malformed


@dataclass(frozen=True)
class ExerciseId:
    """The four parts of an id.

    >>> str(ExerciseId("conv-output", 2, 12345, 1))
    'conv-output.2.12345.v1'
    """

    type: str
    difficulty: int
    seed: int
    version: int

    def __str__(self) -> str:
        return f"{self.type}.{self.difficulty}.{self.seed}.v{self.version}"

    def rng(self, key: bytes | None = None) -> np.random.Generator:
        """The exercise's random numbers, the same in every process. With a ``key`` (a
        server's exercise secret) they are an HMAC of the id instead: only a server that
        holds the key draws the exercise, so a copy of convviz cannot solve it."""
        text = str(self).encode("ascii")
        digest = (hmac.new(key, text, hashlib.sha256).digest() if key
                  else hashlib.sha256(text).digest())
        return np.random.default_rng(int.from_bytes(digest[:16], "big"))


def check_difficulty(difficulty: int) -> int:
    if difficulty not in DIFFICULTIES:
        raise InputError("difficulty", f"must be 1, 2 or 3, got {difficulty}")
    return difficulty


def check_seed(seed: int) -> int:
    if not 0 <= seed <= MAX_SEED:
        raise InputError("seed", f"must be 0 … {MAX_SEED}, got {seed}")
    return seed


def parse_id(text: str) -> ExerciseId:
    """Split an id into its parts, checking the syntax and the ranges (not the type).

    >>> parse_id("pool-output.3.7.v1")
    ExerciseId(type='pool-output', difficulty=3, seed=7, version=1)

    Raises
    ------
    ExerciseIdError
        Naming the part at fault.
    """
    if len(text) > MAX_ID_LENGTH:
        raise ExerciseIdError(f"is {len(text)} characters long, more than the "
                              f"{MAX_ID_LENGTH} an id can have", malformed=True)
    match = _ID.fullmatch(text)
    if match is None:
        raise ExerciseIdError(
            f"{text!r} is not an exercise id: expected <type>.<difficulty>.<seed>.v<version> "
            f"such as conv-output.2.12345.v1", malformed=True)
    type_, difficulty, seed, version = match.groups()
    for part, digits in (("difficulty", difficulty), ("seed", seed), ("version", version)):
        if len(digits) > 1 and digits.startswith("0"):
            raise ExerciseIdError(f"the {part} {digits!r} has a leading zero; write "
                                  f"{int(digits)}", malformed=True)
    if int(difficulty) not in DIFFICULTIES:
        raise ExerciseIdError(f"the difficulty must be 1, 2 or 3, got {difficulty}",
                              malformed=True)
    if int(seed) > MAX_SEED:
        raise ExerciseIdError(f"the seed must be 0 … {MAX_SEED}, got {seed}", malformed=True)
    if int(version) < 1:
        raise ExerciseIdError("the version must be at least 1, got 0", malformed=True)
    return ExerciseId(type_, int(difficulty), int(seed), int(version))
