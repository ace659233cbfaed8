"""The value a node with a refused tag is read as.

The builder puts it in the data, the diagnostics (:mod:`.errors`) leave out pydantic's errors
about it, and forked workers send it back: one small module for all three, by whose name it
unpickles as itself.
"""

from __future__ import annotations

__all__ = ["REFUSED", "Refused"]


class Refused:
    """The value of a node whose tag is refused (``!!set``, ``!custom``): it stands for
    nothing, so the field it fills is in error for that alone, reported once, while the rest
    of the file is read and checked. One instance, :data:`REFUSED`, in every process."""

    __slots__ = ()

    def __reduce__(self) -> str:
        return "REFUSED"  # unpickled as this module's REFUSED itself: `is` holds in workers

    def __repr__(self) -> str:
        return "REFUSED"


REFUSED = Refused()
