"""Graded use of the exercises: signed ids, per-student variants, an instructor token.

With ``CONVVIZ_EXERCISE_SECRET`` set, every id the server hands out carries a signature,
``conv-output.2.123.v1.<16 hex digits of HMAC-SHA256(secret, id)>``, and an id without
a valid one is a 404; the exercise itself is drawn from the same HMAC (engine
``ExerciseId.rng``), so neither another student's id nor the solution can be derived
without the secret, not even with a copy of convviz. ``CONVVIZ_INSTRUCTOR_TOKEN`` guards
the answer keys (``/solution`` and the exports that hold keys): they answer only with
``Authorization: Bearer <token>``; in graded mode without a token they are off. With
neither variable, self-study works as before: bare ids, open solutions.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import replace

import orjson
from starlette.requests import Request
from starlette.responses import Response

from app.errors import error_body
from engine.exercises import MAX_SEED, Exercise, ExerciseIdError
from engine.exercises.ids import SIGNATURE_LENGTH


def secret() -> bytes | None:
    """The exercise secret in force, read per request (a test or a restart may set it)."""
    value = os.environ.get("CONVVIZ_EXERCISE_SECRET", "")
    return value.encode("utf-8") if value else None


def _token() -> str:
    return os.environ.get("CONVVIZ_INSTRUCTOR_TOKEN", "")


def _signature(key: bytes, bare: str) -> str:
    return hmac.new(key, bare.encode("ascii"), hashlib.sha256).hexdigest()[:SIGNATURE_LENGTH]


def signed(exercise: Exercise) -> Exercise:
    """The exercise under the id this server hands out (signed in graded mode)."""
    key = secret()
    return replace(exercise, id=f"{exercise.id}.{_signature(key, exercise.id)}") if key \
        else exercise


def bare_id(text: str) -> str:
    """The id to build from what a client sent; in graded mode the signature must be valid.

    Raises
    ------
    ExerciseIdError
        (not malformed: a 404) for a missing or wrong signature, or a signature sent to a
        server that signs nothing.
    """
    key = secret()
    head, _, tail = text.rpartition(".")
    has_signature = bool(head) and len(tail) == SIGNATURE_LENGTH and not tail.startswith("v")
    if key is None:
        if has_signature:
            raise ExerciseIdError("this server does not sign its exercise ids: drop the "
                                  "signature after the version", malformed=False)
        return text
    if not has_signature:
        raise ExerciseIdError("this server hands out signed exercise ids: use the id your "
                              "lecturer gave you, signature included", malformed=False)
    if not hmac.compare_digest(tail, _signature(key, head)):
        raise ExerciseIdError("no exercise has this id on this server (the signature does "
                              "not match)", malformed=False)
    return head


def student_seed(type_: str, difficulty: int, student: str) -> int:
    """A student's own seed for a type and difficulty: the same every time; unguessable
    from the name in graded mode (an HMAC with the secret)."""
    message = f"{type_}|{difficulty}|{student}".encode()
    key = secret() or b"convviz self-study"
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") % (MAX_SEED + 1)


def instructor_refusal(request: Request, what: str) -> Response | None:
    """None when the request may see answer keys; else the 401 or 403 that says why."""
    token = _token()
    if not token:
        if secret() is None:
            return None  # self-study: keys are open
        body = error_body(["header", "authorization"], f"{what} is off: this server grades "
                          "with signed ids and has no instructor token "
                          "(CONVVIZ_INSTRUCTOR_TOKEN)", "forbidden")
        return _json(body, 403)
    given = request.headers.get("authorization", "")
    scheme, _, value = given.partition(" ")
    if scheme.lower() == "bearer" and hmac.compare_digest(value.strip().encode(),
                                                          token.encode()):
        return None
    body = error_body(["header", "authorization"], f"{what} needs the instructor's token: "
                      "send Authorization: Bearer <CONVVIZ_INSTRUCTOR_TOKEN>", "unauthorized")
    return _json(body, 401, {"www-authenticate": 'Bearer realm="convviz answer keys"'})


def _json(body: object, status: int, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(body), status_code=status, headers=headers,
                    media_type="application/json")
