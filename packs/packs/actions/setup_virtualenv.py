from st2common.runners.base_action import Action

from squall_api import call


class SetupVirtualenvAction(Action):
    """packs.setup_virtualenv: (re)installs packs' virtual environments through
    POST /api/v1/packs/setup_virtualenv, which then registers the packs."""

    def run(self, packs, update=False, no_download=True, timeout=600):
        # Squall always reinstalls requirements here (update) and pip uses the configured index.
        return call("packs.setup_virtualenv", "POST", "/packs/setup_virtualenv", {"packs": packs})
