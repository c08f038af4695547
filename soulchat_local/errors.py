"""Errors that reach the user as one line and an exit code."""


class UserError(Exception):
    """Something the user can fix: printed as one line on stderr, exit code 2."""

    exit_code = 2
