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
