/** A sensor as registered from a pack (StackStorm's SensorTypeAPI shape). */
export interface SensorType {
  id: string;
  uid: string; // sensor_type:<pack>:<class_name>
  ref: string; // <pack>.<class_name>
  pack: string;
  /** The class name: StackStorm names a sensor by it. */
  name: string;
  class_name: string;
  /** The code file, relative to the pack's `sensors/` folder. */
  entry_point: string;
  /** The code file's absolute path. */
  artifact_uri: string;
  description: string;
  enabled: boolean;
  /** Seconds between `poll()` calls for a polling sensor. */
  poll_interval?: number;
  /** Refs of the trigger types the sensor dispatches. */
  trigger_types: string[];
  metadata_file?: string;
}
