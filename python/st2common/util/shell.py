"""Shell quoting helpers packs use to build command lines."""

import shlex


def quote_unix(value):
    """One argument, quoted for a POSIX shell."""
    return shlex.quote(str(value))


def quote_windows(value):
    """One argument, quoted for cmd.exe (double quotes, inner quotes doubled)."""
    return '"%s"' % str(value).replace('"', '""')
