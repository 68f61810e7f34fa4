from st2common.runners.base_action import Action

from squall_api import call


class MatchAndExecuteAction(Action):
    """chatops.match_and_execute: runs the alias that the text matches, as
    POST /api/v1/aliasexecution/match_and_execute does, as the execution's user."""

    def run(self, text, source_channel=None, user=None):
        # The route requires a channel; with none given the result is not posted anywhere in chat.
        body = {"command": text, "source_channel": source_channel or ""}
        if user:
            body["user"] = user
        return call("chatops.match_and_execute", "POST", "/aliasexecution/match_and_execute", body)
