"""`st2reactor.sensor.base`: the classes a pack's Python sensor subclasses (Sensor, PollingSensor)."""

import abc
import threading

# Set by Squall's sensor wrapper when the container asks the sensor to stop: ends PollingSensor.run().
_stopping = threading.Event()


class Sensor(metaclass=abc.ABCMeta):
    """A sensor that runs its own loop in `run()` and dispatches trigger instances through `sensor_service`."""

    def __init__(self, sensor_service, config=None):
        self._sensor_service = sensor_service
        self.sensor_service = sensor_service
        self._config = config or {}
        self.config = self._config

    @abc.abstractmethod
    def setup(self):
        """Runs once before `run()`."""

    @abc.abstractmethod
    def run(self):
        """The sensor's main loop."""

    @abc.abstractmethod
    def cleanup(self):
        """Runs when the sensor is stopped."""

    @abc.abstractmethod
    def add_trigger(self, trigger):
        """A trigger of one of the sensor's types exists (given as a dict: id, ref, name, pack, type, parameters)."""

    @abc.abstractmethod
    def update_trigger(self, trigger):
        """A trigger's parameters changed."""

    @abc.abstractmethod
    def remove_trigger(self, trigger):
        """A trigger is gone."""


class PollingSensor(Sensor):
    """A sensor whose `poll()` Squall calls every `poll_interval` seconds (the first right after `setup()`)."""

    def __init__(self, sensor_service, config=None, poll_interval=5):
        super().__init__(sensor_service=sensor_service, config=config)
        self._poll_interval = poll_interval

    @abc.abstractmethod
    def poll(self):
        """Looks once and dispatches what it found."""

    def run(self):
        while not _stopping.is_set():
            self.poll()
            _stopping.wait(self.get_poll_interval())

    def get_poll_interval(self):
        return self._poll_interval

    def set_poll_interval(self, poll_interval):
        self._poll_interval = poll_interval
