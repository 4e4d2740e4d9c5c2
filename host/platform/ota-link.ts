// `platform/ota-link` on a board: there is no simulator link; packages arrive over MQTT.
import type { OtaEvent } from "ota/service";

export default Object.freeze({
  connect(): void {},
  read(): ArrayBuffer {
    throw new Error("ota-link: a board has no simulator link; packages arrive over MQTT");
  },
  report(_event: OtaEvent): void {},
});
