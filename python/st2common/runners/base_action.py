"""`st2common.runners.base_action.Action`: what a pack's Python action subclasses."""

import abc
import sys

# Set by Squall's action wrapper from the runner parameter `log_level`.
_log_level = "DEBUG"
_AUDIT = 60


class Action(metaclass=abc.ABCMeta):
    """A Python action: Squall calls `run(**parameters)` with the action's declared parameters."""

    description = None

    def __init__(self, config=None, action_service=None):
        self.config = config if config is not None else {}
        self.action_service = action_service
        self._logger = None

    @property
    def logger(self):
        # Made on first use: importing logging costs start-up time that most actions never need.
        if getattr(self, "_logger", None) is None:
            self._logger = _make_logger("actions.python.%s" % type(self).__name__)
        return self._logger

    @logger.setter
    def logger(self, value):
        self._logger = value

    @abc.abstractmethod
    def run(self, **kwargs):
        raise NotImplementedError()


def _make_logger(name):
    import logging

    logging.addLevelName(_AUDIT, "AUDIT")
    logger = logging.getLogger(name)
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [-] %(message)s"))
        logger.addHandler(handler)
        logger.propagate = False
    level = _AUDIT if _log_level == "AUDIT" else getattr(logging, _log_level, logging.DEBUG)
    logger.setLevel(level)
    return logger
