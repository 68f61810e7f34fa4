from urllib.parse import quote

from st2common.runners.base_action import Action

from squall_api import call


class GetConfigAction(Action):
    """packs.get_config: a pack's config as GET /api/v1/configs/<pack> shows it (secrets masked)."""

    def run(self, pack):
        return call("packs.get_config", "GET", "/configs/" + quote(pack, safe=""))
