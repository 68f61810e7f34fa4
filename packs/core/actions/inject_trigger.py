import json
import os
import urllib.error
import urllib.request

from st2common.runners.base_action import Action


class InjectTriggerAction(Action):
    """core.inject_trigger: dispatches a trigger instance through POST /api/v1/webhooks/st2, with
    the execution's own short-lived token (never an admin key)."""

    def run(self, trigger=None, trigger_name=None, payload=None, trace_tag=None):
        if bool(trigger) == bool(trigger_name):
            raise ValueError('Give exactly one of "trigger_name" and "trigger" (deprecated).')
        name = trigger_name or trigger
        url = os.environ.get("ST2_ACTION_API_URL")
        token = os.environ.get("ST2_ACTION_AUTH_TOKEN")
        if not url or not token:
            raise RuntimeError("no API URL or token for this execution: the trigger cannot be dispatched")
        body = {"trigger": name, "payload": payload or {}}
        if trace_tag:
            body["trace_tag"] = trace_tag
        request = urllib.request.Request(
            url.rstrip("/") + "/webhooks/st2",
            data=json.dumps(body).encode("utf-8"),
            headers={"Content-Type": "application/json", "X-Auth-Token": token},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                text = response.read().decode("utf-8")
        except urllib.error.HTTPError as e:
            raise RuntimeError("the API refused the trigger (HTTP %d): %s" % (e.code, e.read().decode("utf-8", "replace")))
        return json.loads(text) if text else {}
