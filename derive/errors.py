"""The one exception family the core raises; only the CLI turns it into output and exit codes."""

from __future__ import annotations


class DeriveError(Exception):
    """Anything derive reports to a user as one line (exit code 2 at the CLI)."""


class InputError(DeriveError):
    """A bad network, answers or data file: names the file, the place and what was expected."""

    def __init__(self, source: str, place: str, expected: str, *, line: int | None = None) -> None:
        self.source = source
        self.place = place
        self.expected = expected
        self.line = line
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {place}: {expected}" if place else f"{where}: {expected}")


class UsageError(DeriveError):
    """A bad command-line choice (an unknown quantity name, a pattern matching nothing, ...)."""


class OptionError(UsageError):
    """A bad value for one of the core's options, named as the Python parameter (``carry``,
    ``decimals``, ``only``); the CLI says which command-line flag that is."""

    def __init__(self, option: str, problem: str) -> None:
        self.option = option
        self.problem = problem
        super().__init__(self.message(option))

    def message(self, flag: str) -> str:
        """The error with the option called ``flag`` (the CLI passes ``--decimals``)."""
        return f"{flag} {self.problem}"
