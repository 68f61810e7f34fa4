"""Loading a pack's Python file and finding its class, with errors that say what went wrong."""

import os
import sys

try:
    # What importlib.util re-exports, without importing importlib.util (start-up time).
    from _frozen_importlib import module_from_spec
    from _frozen_importlib_external import spec_from_file_location
except ImportError:  # pragma: no cover - another implementation
    from importlib.util import module_from_spec, spec_from_file_location


class LoadError(Exception):
    def __init__(self, message, tb=""):
        super().__init__(message)
        self.traceback = tb


def load_module(path, shown):
    """Imports the file as a module named after it; its folder joins sys.path (as StackStorm's)."""
    folder = os.path.dirname(path)
    if folder not in sys.path:
        sys.path.append(folder)
    name = os.path.splitext(os.path.basename(path))[0]
    spec = spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise LoadError("%s cannot be loaded as a Python module" % shown)
    module = module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as e:
        raise LoadError(_describe(e, shown), _traceback()) from None
    return module


def _describe(e, shown):
    if isinstance(e, SyntaxError):
        where = "line %s" % e.lineno if e.lineno else "unknown line"
        return "Syntax error in %s, %s: %s" % (shown, where, e.msg)
    if isinstance(e, ImportError):
        return "Import failed in %s: %s" % (shown, e)
    return "Loading %s failed: %s: %s" % (shown, type(e).__name__, e)


def _traceback():
    # Imported only on failure: traceback costs start-up time.
    import traceback

    return traceback.format_exc()


def defined_classes(module):
    """Classes defined in the module itself (not imported into it), by name."""
    found = []
    for name in sorted(vars(module)):
        value = getattr(module, name)
        if isinstance(value, type) and value.__module__ == module.__name__:
            found.append(value)
    return found
