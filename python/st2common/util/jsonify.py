"""JSON helpers packs use for results and datastore values."""

import json


def json_encode(obj, indent=None, sort_keys=False):
    return json.dumps(obj, indent=indent, sort_keys=sort_keys, default=str)


def json_loads(obj, keys=None):
    """Parses a JSON text; with `keys`, only those keys of a mapping are parsed (others kept)."""
    if not keys:
        return json.loads(obj) if isinstance(obj, (str, bytes)) else obj
    out = dict(obj)
    for key in keys:
        if isinstance(out.get(key), (str, bytes)):
            try:
                out[key] = json.loads(out[key])
            except ValueError:
                pass
    return out


def try_loads(s):
    """The parsed value of a JSON text, or the text itself when it is not JSON."""
    try:
        return json.loads(s) if isinstance(s, (str, bytes)) else s
    except ValueError:
        return s
