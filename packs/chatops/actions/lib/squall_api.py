import json
import os
import urllib.error
import urllib.request


def call(action, method, path, body=None):
    """Calls Squall's /api/v1 with the execution's own short-lived token (never an admin key).
    A refusal raises with the API's own message, so the execution fails naming the problem."""
    url = os.environ.get("ST2_ACTION_API_URL")
    token = os.environ.get("ST2_ACTION_AUTH_TOKEN")
    if not url or not token:
        raise RuntimeError("%s: no API URL or token for this execution (it must run under Squall's runner)" % action)
    request = urllib.request.Request(
        url.rstrip("/") + path,
        data=None if body is None else json.dumps(body).encode("utf-8"),
        headers={"Content-Type": "application/json", "X-Auth-Token": token},
        method=method,
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            text = response.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        detail = e.read().decode("utf-8", "replace")
        try:
            detail = json.loads(detail).get("faultstring", detail)
        except (ValueError, AttributeError):
            pass
        raise RuntimeError("%s: the API refused (HTTP %d): %s" % (action, e.code, detail))
    return json.loads(text) if text else {}
