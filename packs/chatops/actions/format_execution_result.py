import json
import os
import urllib.request

from st2common.runners.base_action import Action


class FormatResultAction(Action):
    """chatops.format_execution_result: an execution's outcome as a chat message, as
    chatops.post_result posts it. Reads the execution through the API with this execution's token."""

    def run(self, execution_id):
        url = os.environ.get("ST2_ACTION_API_URL", "").rstrip("/")
        token = os.environ.get("ST2_ACTION_AUTH_TOKEN")
        if not url or not token:
            raise RuntimeError("no API URL or token for this execution: the execution cannot be read")
        request = urllib.request.Request(
            "%s/executions/%s" % (url, urllib.request.quote(execution_id, safe="")),
            headers={"X-Auth-Token": token},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            execution = json.loads(response.read().decode("utf-8"))
        ref = (execution.get("action") or {}).get("ref", "?")
        status = execution.get("status", "?")
        result = execution.get("result")
        if isinstance(result, dict) and ("stdout" in result or "stderr" in result):
            text = (result.get("stdout") or "").rstrip("\n")
            if status != "succeeded" and result.get("stderr"):
                text = (text + "\n" + result["stderr"].rstrip("\n")).strip("\n")
        else:
            text = json.dumps(result, indent=2, sort_keys=True) if result is not None else ""
        message = "%s %s (%s)" % (ref, status, execution_id)
        if text:
            message += "\n" + text
        return {
            "enabled": True,
            "message": message,
            "extra": {"execution": {"id": execution_id, "status": status, "action": ref}},
        }
