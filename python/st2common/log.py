"""`from st2common import log as logging`: the standard library's logging, plus StackStorm's AUDIT level."""

import logging as _logging

AUDIT = _logging.CRITICAL + 10
_logging.addLevelName(AUDIT, "AUDIT")


def getLogger(name):  # noqa: N802 (StackStorm's name)
    return _logging.getLogger(name)


def __getattr__(name):
    return getattr(_logging, name)
