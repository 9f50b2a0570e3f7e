"""Exercises with answer keys: generated from a seed, graded per cell, exported.

An exercise is named by its id ``<type>.<difficulty>.<seed>.v<version>`` and
is a pure function of it (nothing is stored), so any replica answers for any
id. Answers come from the engine's operations; the worked steps from their
traces.
"""

from engine.exercises.catalog import MAX_COUNT, SPECS, TYPES, exercise, generate, worksheet
from engine.exercises.ids import MAX_SEED, ExerciseId, ExerciseIdError, parse_id
from engine.exercises.model import Answer, Exercise, Given, TypeSpec

__all__ = ["MAX_COUNT", "MAX_SEED", "SPECS", "TYPES", "Answer", "Exercise", "ExerciseId",
           "ExerciseIdError", "Given", "TypeSpec", "exercise", "generate", "parse_id",
           "worksheet"]
