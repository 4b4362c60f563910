"""Every error parcours raises on purpose, in one place.

Each one subclasses both :class:`ParcoursError` (catch everything of ours) and the builtin it
resembles (so callers that catch ``ValueError`` keep working)::

    ParcoursError
    ├── ConfigError(ValueError)          a wrong key, type or value in parcours.yaml or a mapping
    ├── WorkspaceError(FileNotFoundError) no workspace where one was expected
    ├── UnreadableFileError(ValueError)  a source file that cannot be read at all (nothing ingested)
    ├── IngestError(ValueError)          a file that can be read but not ingested as asked
    └── NotFoundError(KeyError)          a customer, table or identifier that does not exist

Messages say what happened, what was passed and what to do next; the CLI prints them on one line
without a traceback.
"""

from __future__ import annotations


class ParcoursError(Exception):
    """Base class of every error parcours raises on purpose."""

    def __str__(self) -> str:  # KeyError quotes its message; we never want that.
        return str(self.args[0]) if self.args else ""


class ConfigError(ParcoursError, ValueError):
    """A configuration or mapping file is invalid: the message names the file and key path."""


class WorkspaceError(ParcoursError, FileNotFoundError):
    """No workspace (no ``parcours.yaml``) where one was expected."""


class UnreadableFileError(ParcoursError, ValueError):
    """A source file cannot be read at all; the warehouse was left exactly as it was."""


class IngestError(ParcoursError, ValueError):
    """A readable file cannot be ingested as asked (e.g. a mapped column is missing)."""


class NotFoundError(ParcoursError, KeyError):
    """Something asked for by name or id does not exist."""


__all__ = [
    "ConfigError",
    "IngestError",
    "NotFoundError",
    "ParcoursError",
    "UnreadableFileError",
    "WorkspaceError",
]
