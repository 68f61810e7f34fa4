"""Runs one python-script action for Squall's `python-script` runner.

Started as `<python> -u action_wrapper.py`. Reads one JSON line on stdin (`file`, `shown`, `pack`,
`parameters`, `config`, `log_level`), imports the action's file, calls `run(**parameters)` and
writes the outcome as one JSON object to fd 3, a pipe of its own, so whatever the action prints on
stdout and stderr stays the action's output.
"""

import os
import sys

# Our own folder must not shadow the pack's modules; the shim's root (st2common, st2reactor) goes first.
_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[0] = _ROOT

# The exit code StackStorm's wrapper uses for a 2-tuple whose first item is not a status.
_BAD_TUPLE_EXIT = 220


class PackConfigDict(dict):
    """The pack's config; a missing key says which key of which file (as StackStorm's)."""

    def __init__(self, pack, values):
        super().__init__(values)
        self._pack = pack

    def __missing__(self, key):
        raise ValueError(
            'Config for pack "%s" is missing key "%s": set it in the pack\'s config file (configs/%s.yaml)'
            % (self._pack, key, self._pack)
        )


def _pick_class(module, shown):
    from squall_runner.loading import LoadError, defined_classes

    for cls in defined_classes(module):
        if callable(getattr(cls, "run", None)):
            return cls
    raise LoadError("Found no class with a run() method in %s" % shown)


def _instantiate(cls, config, service):
    # Older actions take only `config` (StackStorm retries the same way); a plain class with run() none.
    attempts = ({"config": config, "action_service": service}, {"config": config}, {})
    for i, kwargs in enumerate(attempts):
        try:
            action = cls(**kwargs)
            break
        except TypeError as e:
            if i == len(attempts) - 1 or not _about_arguments(e):
                raise
    if getattr(action, "action_service", None) is None:
        action.action_service = service
    if getattr(action, "config", None) is None:
        action.config = config
    return action


def _about_arguments(e):
    text = str(e)
    return "argument" in text or "action_service" in text


def _split(value):
    """(status, result) of what run() returned: a 2-tuple carries its own status."""
    if isinstance(value, tuple) and len(value) == 2:
        if value[0] is None or isinstance(value[0], bool):
            return value[0], value[1]
        raise TypeError(
            "run() returned a 2-tuple whose first item is not True, False or None; "
            "return (status, value), or a list for two values"
        )
    return None, value


def _json(obj):
    from squall_runner import wire

    try:
        return wire.dumps(obj)
    except (TypeError, ValueError):
        # Not JSON (a set, a custom object, NaN): stored as its text, as StackStorm does.
        safe = dict(obj)
        safe["result"] = str(obj.get("result"))
        return wire.dumps(safe)


def main():
    from squall_runner import wire

    out = os.fdopen(3, "w", encoding="utf-8")

    def report(obj):
        out.write(_json(obj))
        out.flush()

    req = wire.loads(sys.stdin.readline())
    sys.stdin.close()
    sys.stdin = open(os.devnull)

    from squall_runner.datastore import ApiDatastore
    from squall_runner.loading import LoadError, load_module
    from st2common.runners import base_action

    base_action._log_level = req.get("log_level") or "DEBUG"
    shown = req.get("shown") or req["file"]
    try:
        cls = _pick_class(load_module(req["file"], shown), shown)
    except LoadError as e:
        sys.stderr.write(e.traceback)
        report({"error": str(e), "traceback": e.traceback})
        return 1

    service = ApiDatastore(
        "%s.%s:" % (req.get("pack", ""), cls.__name__),
        os.environ.get("ST2_ACTION_API_URL"),
        os.environ.get("ST2_ACTION_AUTH_TOKEN"),
    )
    try:
        action = _instantiate(cls, PackConfigDict(req.get("pack", ""), req.get("config") or {}), service)
        status, result = _split(action.run(**req.get("parameters", {})))
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        if code == 0:
            report({"status": None, "result": None})
            return 0
        report({"error": "The action exited with code %s" % code})
        return code
    except TypeError as e:
        if "2-tuple" not in str(e):
            return _raised(report, e)
        sys.stderr.write("%s\n" % e)
        report({"error": str(e)})
        return _BAD_TUPLE_EXIT
    except Exception as e:
        return _raised(report, e)
    report({"status": status, "result": result})
    return 0


def _raised(report, e):
    import traceback

    tb = traceback.format_exc()
    sys.stderr.write(tb)
    report({"error": "%s: %s" % (type(e).__name__, e), "traceback": tb})
    return 1


if __name__ == "__main__":
    sys.exit(main())
