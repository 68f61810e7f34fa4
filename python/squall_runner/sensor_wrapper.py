"""Runs one Python sensor for Squall's sensor container.

Speaks the container's line protocol (engine/sensors/sensor-protocol.ts, docs/sensors.md): one JSON
object per line, the container's messages on stdin, ours on the original stdout. The sensor's own
printing goes to stderr, which the container logs. A reader thread answers pings and replies while
the sensor runs, so a busy poll() is not taken for a hung process.
"""

import os
import sys
import threading

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[0] = _ROOT

from squall_runner import wire  # noqa: E402
from squall_runner.datastore import DatastoreService  # noqa: E402

_protocol = sys.stdout
sys.stdout = sys.stderr
_write_lock = threading.Lock()
_pending = {}
_pending_lock = threading.Lock()
_next_id = [0]
_sensor = [None]
_LEVELS = {"DEBUG": "debug", "INFO": "info", "WARNING": "warn", "ERROR": "error", "CRITICAL": "error"}


def send(message):
    line = wire.dumps(message) + "\n"
    with _write_lock:
        _protocol.write(line)
        _protocol.flush()


def log(level, message, meta=None):
    m = {"type": "log", "level": level, "message": str(message)}
    if meta:
        m["meta"] = meta
    send(m)


class CallError(Exception):
    pass


def call(method, params):
    """A call to the container; blocks until its reply, which the reader thread delivers."""
    with _pending_lock:
        _next_id[0] += 1
        call_id = _next_id[0]
        slot = {"event": threading.Event()}
        _pending[call_id] = slot
    send({"type": "call", "id": call_id, "method": method, "params": params})
    slot["event"].wait()
    reply = slot["reply"]
    if not reply.get("ok"):
        raise CallError(reply.get("error") or "the container refused the call")
    return reply.get("result")


class _ContainerDatastore(DatastoreService):
    # Names arrive here already local-prefixed, so the container is told `local: false`.
    def _get(self, name, decrypt):
        return call("kv.get", {"name": name, "local": False, "decrypt": decrypt})

    def _set(self, name, value, ttl, encrypt):
        params = {"name": name, "value": value, "local": False, "encrypt": encrypt}
        if ttl:
            params["ttl"] = ttl
        call("kv.set", params)

    def _delete(self, name):
        return call("kv.delete", {"name": name, "local": False})

    def _list(self, prefix, limit, offset):
        items = call("kv.list", {"prefix": prefix, "local": False})
        start = offset or 0
        return items[start : start + limit] if limit else items[start:]


class SensorService(_ContainerDatastore):
    """`self.sensor_service`: dispatching trigger instances, the datastore, loggers."""

    def __init__(self, ref):
        super().__init__(ref + ":")
        self._ref = ref

    def dispatch(self, trigger, payload=None, trace_tag=None):
        params = {"trigger": trigger, "payload": payload if payload is not None else {}}
        if trace_tag:
            params["trace_tag"] = str(trace_tag)
        try:
            return call("dispatch", params)
        except CallError as e:
            # As StackStorm: a refused dispatch (unknown type, payload against its schema) is logged, not raised.
            log("warn", "dispatch of %s refused: %s" % (trigger, e))
            return None

    def dispatch_with_context(self, trigger, payload=None, trace_context=None):
        tag = None
        if isinstance(trace_context, dict):
            tag = trace_context.get("trace_tag")
        elif trace_context is not None:
            tag = getattr(trace_context, "trace_tag", None)
        return self.dispatch(trigger, payload, tag)

    def get_logger(self, name):
        import logging

        logger = logging.getLogger("SensorWrapper.%s.%s" % (self._ref, name))
        if not any(getattr(h, "squall", False) for h in logger.handlers):
            logger.addHandler(_protocol_handler())
            logger.setLevel(logging.DEBUG)
            logger.propagate = False
        return logger

    @property
    def datastore_service(self):
        return self


_handler_class = []


def _protocol_handler():
    """A logging handler sending records to the container; the class is made (logging imported) on first use."""
    if not _handler_class:
        import logging

        class ProtocolHandler(logging.Handler):
            squall = True

            def emit(self, record):
                try:
                    log(_LEVELS.get(record.levelname, "info"), "%s: %s" % (record.name, record.getMessage()))
                except Exception:
                    self.handleError(record)

        _handler_class.append(ProtocolHandler)
    return _handler_class[0]()


def _stop(code):
    from st2reactor.sensor import base

    base._stopping.set()
    sensor = _sensor[0]
    if sensor is not None and hasattr(sensor, "cleanup"):
        try:
            sensor.cleanup()
        except Exception as e:
            log("error", "cleanup failed: %s" % e)
    send({"type": "stopped"})
    sys.stderr.flush()
    os._exit(code)


def _reader(stdin):
    for line in stdin:
        line = line.strip()
        if not line:
            continue
        try:
            m = wire.loads(line)
        except ValueError:
            continue
        kind = m.get("type")
        if kind == "ping":
            send({"type": "pong"})
        elif kind == "reply":
            with _pending_lock:
                slot = _pending.pop(m.get("id"), None)
            if slot is not None:
                slot["reply"] = m
                slot["event"].set()
        elif kind == "triggers":
            _triggers_changed(m.get("triggers") or [])
        elif kind == "stop":
            _stop(0)
    # The container went away: nothing can be dispatched any more.
    _stop(0)


_known_triggers = {}


def _triggers_changed(triggers):
    """Calls add_/update_/remove_trigger for the difference from the triggers seen so far."""
    sensor = _sensor[0]
    now = {t.get("id"): t for t in triggers}
    for tid, t in now.items():
        before = _known_triggers.get(tid)
        method = "add_trigger" if before is None else ("update_trigger" if before != t else None)
        if method and sensor is not None:
            _safe(getattr(sensor, method, None), t, method)
    for tid, t in list(_known_triggers.items()):
        if tid not in now and sensor is not None:
            _safe(getattr(sensor, "remove_trigger", None), t, "remove_trigger")
    _known_triggers.clear()
    _known_triggers.update(now)


def _safe(fn, arg, what):
    if fn is None:
        return
    try:
        fn(arg)
    except Exception as e:
        log("error", "%s failed: %s: %s" % (what, type(e).__name__, e))


def _instantiate(cls, service, config, poll_interval):
    from st2reactor.sensor.base import PollingSensor

    if issubclass(cls, PollingSensor):
        if poll_interval is not None:
            return cls(sensor_service=service, config=config, poll_interval=poll_interval)
        return cls(sensor_service=service, config=config)
    return cls(sensor_service=service, config=config)


def main():
    stdin = sys.stdin
    sys.stdin = open(os.devnull)
    start = None
    for line in stdin:
        line = line.strip()
        if line:
            m = wire.loads(line)
            if m.get("type") == "start":
                start = m
                break
            if m.get("type") == "ping":
                send({"type": "pong"})
    if start is None:
        return 0
    spec = start["sensor"]
    threading.Thread(target=_reader, args=(stdin,), daemon=True).start()

    from squall_runner.loading import LoadError, load_module

    shown = os.path.join("sensors", os.path.basename(spec["entry_point"]))
    try:
        module = load_module(spec["entry_point"], shown)
        cls = getattr(module, spec["class_name"], None)
        if not isinstance(cls, type):
            raise LoadError("%s defines no class %s (the sensor's class_name)" % (shown, spec["class_name"]))
        service = SensorService(spec["ref"])
        sensor = _instantiate(cls, service, start.get("config") or {}, spec.get("poll_interval"))
        _sensor[0] = sensor
        sensor.setup()
        # After setup(), which is where most sensors make the state add_trigger fills in.
        _triggers_changed(start.get("triggers") or [])
        send({"type": "ready"})
        sensor.run()
    except LoadError as e:
        log("error", "sensor failed: %s" % e, {"stack": e.traceback})
        return 1
    except Exception as e:
        import traceback

        log("error", "sensor failed: %s: %s" % (type(e).__name__, e), {"stack": traceback.format_exc()})
        return 1
    # run() returned: the sensor stays up (answering pings) until the container stops it.
    threading.Event().wait()
    return 0


if __name__ == "__main__":
    code = main()
    sys.stderr.flush()
    os._exit(code)
