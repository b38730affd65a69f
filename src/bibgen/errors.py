"""One exception family with a location, and the Diagnostic that carries it.

Exit codes (documented in the README and tested in tests/test_cli.py):

====  ==========================================================
0     success
1     ``--check``/``--diff`` found differences, or cited keys are missing
2     usage or configuration error
3     invalid input (a source that cannot be read or parsed)
4     output error (a target that cannot be written)
====  ==========================================================
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from bibgen.model import Origin

EXIT_OK = 0
EXIT_DIFFERENCES = 1
EXIT_USAGE = 2
EXIT_INPUT = 3
EXIT_OUTPUT = 4


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A problem with a location, printed as ``path:line:col: severity: message``."""

    severity: Severity
    origin: Origin | None
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.origin}: " if self.origin else "bibgen: "
        text = f"{where}{self.severity.value}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


class BibgenError(Exception):
    """Base of every error bibgen reports; carries an origin and an exit code."""

    exit_code = EXIT_INPUT

    def __init__(self, message: str, origin: Origin | None = None, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.origin = origin
        self.hint = hint

    def __reduce__(self):  # type: ignore[no-untyped-def]
        # Keep origin and hint when an error crosses a process boundary.
        return (type(self), (self.message, self.origin, self.hint))

    @property
    def diagnostic(self) -> Diagnostic:
        return Diagnostic(Severity.ERROR, self.origin, self.message, self.hint)

    def __str__(self) -> str:
        return str(self.diagnostic)


class InputError(BibgenError):
    """A source is unreadable or not in the format it claims to be."""

    exit_code = EXIT_INPUT


class UnreadableError(InputError):
    """A file that cannot be read at all: its origin names the file, not a line, so no excerpt is shown."""


class UsageError(BibgenError):
    """The command line asks for something impossible (unknown format, missing path)."""

    exit_code = EXIT_USAGE


class ConfigError(UsageError):
    """The configuration file is invalid (unknown key, wrong type)."""


class OutputError(BibgenError):
    """A target cannot be written."""

    exit_code = EXIT_OUTPUT


class StrictError(InputError):
    """A warning promoted to an error by ``--strict``."""


class Diagnostics:
    """Collects warnings during a run; ``strict`` turns the first one into an error."""

    def __init__(self, strict: bool = False) -> None:
        self.strict = strict
        self.items: list[Diagnostic] = []
        self.skipped: list[Origin | None] = []  # what --keep-going skipped, where

    def skip(self, message: str, origin: Origin | None = None) -> None:
        """Something that could not be read was skipped (``--keep-going``): a warning, counted."""
        if self.strict:
            raise StrictError(message, origin)
        self.skipped.append(origin)
        self.items.append(Diagnostic(Severity.WARNING, origin, message))

    def warn(self, message: str, origin: Origin | None = None, hint: str = "") -> None:
        if self.strict:
            raise StrictError(message, origin, hint)
        self.items.append(Diagnostic(Severity.WARNING, origin, message, hint))

    def note(self, message: str, origin: Origin | None = None) -> None:
        self.items.append(Diagnostic(Severity.NOTE, origin, message))

    def sorted(self) -> list[Diagnostic]:
        """Diagnostics in a stable order (by place, then text)."""
        return sorted(
            self.items,
            key=lambda d: (d.origin or Origin(""), d.severity.value, d.message),
        )
