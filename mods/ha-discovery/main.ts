// Home Assistant MQTT discovery (https://www.home-assistant.io/integrations/mqtt/#mqtt-discovery):
// announces this device's sensors so they appear in Home Assistant with no configuration. For
// each entry of SENSORS it publishes, retained, a discovery config on
//   homeassistant/sensor/mote_<deviceId>/<object_id>/config
// whose state topic is the reading's Mote telemetry topic, with a value template that reads the
// Mote envelope ({"seq","ts","data"}), and whose availability follows the device's retained
// `state` (online / last will). It announces again when Home Assistant restarts (its birth
// message "online" on homeassistant/status).
import mqtt from "mote/mqtt";

interface SensorSpec {
  /** The mod that reports the reading and its telemetry name. */
  mod: string;
  telemetry: string;
  /** Path of the value inside the reading's `data`. */
  field: string;
  objectId: string;
  name: string;
  deviceClass: string;
  unit: string;
}

const SENSORS: readonly SensorSpec[] = Object.freeze([
  Object.freeze({ mod: "thermometer", telemetry: "temperature", field: "celsius", objectId: "temperature", name: "Temperature", deviceClass: "temperature", unit: "°C" }),
]);

const PREFIX = "homeassistant";

function announce(): void {
  const id = mqtt.deviceId;
  const node = `mote_${id}`;
  const root = `mote/v1/${id}`;
  for (const sensor of SENSORS) {
    const config = {
      name: sensor.name,
      unique_id: `${node}_${sensor.objectId}`,
      object_id: `${node}_${sensor.objectId}`,
      state_topic: `${root}/telemetry/${sensor.mod}/${sensor.telemetry}`,
      value_template: `{{ value_json.data.${sensor.field} }}`,
      device_class: sensor.deviceClass,
      unit_of_measurement: sensor.unit,
      state_class: "measurement",
      availability_topic: `${root}/state`,
      availability_template: "{{ 'online' if value_json.online else 'offline' }}",
      payload_available: "online",
      payload_not_available: "offline",
      device: { identifiers: [node], name: `Mote ${id}`, manufacturer: "Mote", model: "Mote device" },
      origin: { name: "Mote", url: "https://github.com/mote" },
    };
    mqtt.publish(`${PREFIX}/sensor/${node}/${sensor.objectId}/config`, config, { absolute: true, retain: true });
  }
}

export default {
  onStart(): void {
    announce();
    mqtt.subscribe(`${PREFIX}/status`, (topic: string, payload: string) => {
      if (payload === "online") announce();
    }, { absolute: true });
  },
};
