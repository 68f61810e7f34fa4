"""JSON for the wrapper's own messages without importing `json`.

`json` pulls in `re`, `enum` and `functools`, which cost a hello-world action a good part of its
start-up; the C accelerator `_json` that `json` itself uses needs none of them. Falls back to
`json` on an interpreter without `_json`.
"""

try:
    import _json
except ImportError:  # pragma: no cover - every CPython 3 has it
    _json = None


class _Context:
    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    memo = {}

    @staticmethod
    def parse_constant(name):
        return {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}[name]


def _not_json(o):
    raise TypeError("Object of type %s is not JSON serializable" % type(o).__name__)


def loads(text):
    if _json is None:
        import json

        return json.loads(text)
    text = text.strip()
    value, end = _json.make_scanner(_Context())(text, 0)
    if end != len(text):
        raise ValueError("extra data after the JSON value at %d" % end)
    return value


def dumps(value):
    """Compact JSON; NaN and objects JSON cannot hold raise ValueError/TypeError."""
    if _json is None:
        import json

        return json.dumps(value, allow_nan=False)
    encode = _json.make_encoder({}, _not_json, _json.encode_basestring_ascii, None, ": ", ", ", False, False, False)
    return "".join(encode(value, 0))
