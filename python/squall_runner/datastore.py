"""The datastore calls of `action_service` and `sensor_service`, with StackStorm's semantics.

Only `st2kv.system` is reachable (as in StackStorm); `local=True` keeps names under
`<pack>.<ClassName>:`. Subclasses supply the transport: the API for actions, the sensor
container's line protocol for sensors.
"""

import sys

_SYSTEM_SCOPES = ("system", "st2kv.system")


class KeyValuePair(dict):
    """An item as StackStorm's client gives it: `kvp.name`, `kvp.value`, and `kvp["name"]` too."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def _check_scope(scope):
    if scope not in _SYSTEM_SCOPES:
        raise ValueError("Scope %s is unsupported." % scope)


class DatastoreService:
    def __init__(self, local_prefix):
        self._local_prefix = local_prefix

    def _full(self, name, local):
        return self._local_prefix + name if local else name

    def get_value(self, name, local=True, scope="system", decrypt=False):
        """The value (a string), or None when there is none or it cannot be read."""
        _check_scope(scope)
        try:
            return self._get(self._full(name, local), bool(decrypt))
        except Exception as e:  # as StackStorm: a failed read is None, and said on stderr
            sys.stderr.write("datastore: cannot read %s: %s\n" % (name, e))
            return None

    def set_value(self, name, value, ttl=None, local=True, scope="system", encrypt=False):
        """Stores `str(value)`; `encrypt` makes it a secret, `ttl` expires it. Raises when refused."""
        _check_scope(scope)
        self._set(self._full(name, local), str(value), int(ttl) if ttl else None, bool(encrypt))
        return True

    def delete_value(self, name, local=True, scope="system"):
        """True, or False when it could not be deleted (it did not exist)."""
        _check_scope(scope)
        try:
            return bool(self._delete(self._full(name, local)))
        except Exception:
            return False

    def list_values(self, local=True, prefix=None, limit=None, offset=None):
        """The items whose full names start with the (local) prefix."""
        full = (self._local_prefix if local else "") + (prefix or "")
        return [KeyValuePair(i) for i in self._list(full, limit, offset)]

    def _get(self, name, decrypt):
        raise NotImplementedError

    def _set(self, name, value, ttl, encrypt):
        raise NotImplementedError

    def _delete(self, name):
        raise NotImplementedError

    def _list(self, prefix, limit, offset):
        raise NotImplementedError


class ApiDatastore(DatastoreService):
    """Through Squall's `/api/v1/keys` with the execution's short-lived token (ST2_ACTION_AUTH_TOKEN)."""

    def __init__(self, local_prefix, api_url, token):
        super().__init__(local_prefix)
        self._api_url = (api_url or "").rstrip("/")
        self._token = token

    def _request(self, method, path, query=None, body=None):
        # Imported here: urllib costs more start-up time than a hello-world action takes.
        import json
        import urllib.error
        import urllib.parse
        import urllib.request

        if not self._api_url:
            raise RuntimeError("the API URL is unknown (ST2_ACTION_API_URL is not set)")
        if not self._token:
            raise RuntimeError("this execution has no auth token (its user has no Squall account)")
        url = self._api_url + path
        if query:
            url += "?" + urllib.parse.urlencode({k: v for k, v in query.items() if v is not None})
        data = None if body is None else json.dumps(body).encode("utf-8")
        req = urllib.request.Request(url, data=data, method=method)
        req.add_header("X-Auth-Token", self._token)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=30) as res:
                text = res.read().decode("utf-8")
                return res.status, json.loads(text) if text else None
        except urllib.error.HTTPError as e:
            text = e.read().decode("utf-8", "replace")
            try:
                message = json.loads(text).get("faultstring") or text
            except ValueError:
                message = text
            return e.code, message

    @staticmethod
    def _path(name):
        import urllib.parse

        return "/keys/" + urllib.parse.quote(name, safe="")

    def _get(self, name, decrypt):
        status, body = self._request("GET", self._path(name), {"decrypt": "true" if decrypt else None})
        if status == 404:
            return None
        if status != 200:
            raise RuntimeError("HTTP %s: %s" % (status, body))
        return body.get("value")

    def _set(self, name, value, ttl, encrypt):
        item = {"name": name, "value": value, "scope": "st2kv.system"}
        if encrypt:
            item["secret"] = True
        if ttl:
            item["ttl"] = ttl
        status, body = self._request("PUT", self._path(name), body=item)
        if status != 200:
            raise RuntimeError("cannot store %s: HTTP %s: %s" % (name, status, body))

    def _delete(self, name):
        status, _ = self._request("DELETE", self._path(name))
        return status == 204

    def _list(self, prefix, limit, offset):
        status, body = self._request("GET", "/keys", {"prefix": prefix, "limit": limit or 100, "offset": offset})
        if status != 200:
            raise RuntimeError("cannot list keys: HTTP %s: %s" % (status, body))
        return body

    def get_user_info(self):
        status, body = self._request("GET", "/user")
        if status != 200:
            raise RuntimeError("HTTP %s: %s" % (status, body))
        return body
