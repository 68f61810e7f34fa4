from st2common.runners.base_action import Action

from squall_api import call


class MatchAction(Action):
    """chatops.match: the alias that the text matches and the parameters taken from it."""

    def run(self, text):
        return call("chatops.match", "POST", "/actionalias/match", {"command": text})
