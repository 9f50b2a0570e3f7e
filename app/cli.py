"""The ``convviz`` console command: serve the app with uvicorn.

Kept apart from ``app.main`` on purpose: BLAS reads its thread count once, when
NumPy is first imported, so ``OPENBLAS_NUM_THREADS`` must be set before anything
imports NumPy. Here nothing does until uvicorn imports ``app.main:create_app``,
in this process or in each worker.
"""

from __future__ import annotations

import argparse
import os

# One BLAS thread per worker: the workers are the parallelism (one per core), and a
# second thread per worker would only fight them for the same cores.
_ONE_THREAD = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
# glibc's malloc, read when a worker starts: few arenas, and large blocks always mapped
# (so freed at once). Heavy requests run on whichever pool thread is free; with an
# arena per thread each kept its own freed megabytes, and eight clients sending the
# largest requests took a worker to 1.77 GB resident where one at a time peaks at 0.7.
_MALLOC = {"MALLOC_ARENA_MAX": "2", "MALLOC_MMAP_THRESHOLD_": "131072"}


def main(argv: list[str] | None = None) -> None:
    """Parse the flags (each defaults to its ``CONVVIZ_…`` variable) and serve."""
    for name, value in {**dict.fromkeys(_ONE_THREAD, "1"), **_MALLOC}.items():
        if not os.environ.get(name):  # unset or empty; a value given is kept
            os.environ[name] = value
    env = os.environ.get
    parser = argparse.ArgumentParser(prog="convviz", description="Serve convviz.")
    parser.add_argument("--host", default=env("CONVVIZ_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(env("CONVVIZ_PORT", "8000")))
    parser.add_argument("--workers", type=int, default=int(env("CONVVIZ_WORKERS", "1")))
    parser.add_argument(
        "--worker-start-timeout", type=int,
        default=int(env("CONVVIZ_WORKER_START_TIMEOUT", "30")),
        help="seconds a new or busy worker has to answer the supervisor's ping before it "
             "is killed and replaced (uvicorn's 5 s default lost replacements started "
             "on a saturated machine)")
    args = parser.parse_args(argv)

    import uvicorn  # after the environment is set: it imports nothing numeric itself

    uvicorn.run("app.main:create_app", factory=True, host=args.host, port=args.port,
                workers=args.workers, timeout_graceful_shutdown=5,
                timeout_worker_healthcheck=args.worker_start_timeout,
                http="app.http:GuardedHttpProtocol")


if __name__ == "__main__":
    main()
