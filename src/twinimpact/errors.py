"""Errors users see. Each carries the exit code that docs/DESIGN.md promises to schedulers."""

from __future__ import annotations


class TwinImpactError(Exception):
    """Base error: its message is one readable paragraph, never a traceback."""

    exit_code = 1


class ParamsError(TwinImpactError):
    """Parameters are unknown, of the wrong type or out of range (exit 2)."""

    exit_code = 2


class DataError(TwinImpactError):
    """The data breaks the data contract or cannot be read (exit 3)."""

    exit_code = 3


class NotebookError(TwinImpactError):
    """A notebook failed while executing (exit 4)."""

    exit_code = 4


class PublishError(TwinImpactError):
    """The run could not be rendered or moved into place (exit 5)."""

    exit_code = 5


class ResourceError(TwinImpactError):
    """The engine ran out of the memory it may use and of disk to spill to (exit 6): neither
    the data nor the parameters were found wrong, and the same run with more memory or
    free disk may pass (a scheduler may retry it; exit 3 it should not)."""

    exit_code = 6
