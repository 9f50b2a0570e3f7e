"""The one exception type the engine raises for bad input."""

from __future__ import annotations


class InputError(ValueError):
    """A request the engine cannot compute, with the offending field named.

    ``field`` is the JSON name of the parameter at fault (``"stride"``,
    ``"kernel"``, ...), so the web layer can point at it; the message carries
    the numbers that make it wrong.

    >>> err = InputError("stride", "must be at least 1, got 0")
    >>> str(err)
    'stride: must be at least 1, got 0'
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
