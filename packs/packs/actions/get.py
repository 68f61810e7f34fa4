from urllib.parse import quote

from st2common.runners.base_action import Action

from squall_api import call


class GetPackAction(Action):
    """packs.get: an installed pack, as GET /api/v1/packs/<pack> shows it."""

    def run(self, pack):
        return call("packs.get", "GET", "/packs/" + quote(pack, safe=""))
