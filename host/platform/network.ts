// `platform/network` on a Moddable board. The broker and identity are kept with `preference`
// (domain "mote-net": deviceId, host, port, secure, user, password), written at provisioning;
// "brokers" ("host:port,host:port") lists every node of a broker cluster (docs/brokers.md).
// The MQTT client is the SDK's ECMA-419 one, which the board's manifest includes
// (examples/io/tcp/mqttclient: `device.network.mqtt`; mqttsclient for TLS: `device.network.mqtts`).
// Wi-Fi itself is brought up by the Moddable base (config `ssid` / `password`) before main runs.
// platform/storage: preference without the Pico module's 63-byte limit (a long password fits).
import Preference from "platform/storage";
import type { NetConfig } from "platform/network";
import platformConsole from "platform/console";
import { parseBrokerNodes, type BrokerNode } from "net/broker-list";

function read(key: string): string | number | boolean | undefined {
  const value = Preference.get("mote-net", key);
  return value instanceof ArrayBuffer ? undefined : (value as string | number | boolean | undefined);
}

export default Object.freeze({
  config(): NetConfig | undefined {
    const deviceId = read("deviceId");
    const host = read("host");
    if (typeof deviceId !== "string" || typeof host !== "string") return undefined;
    const secure = read("secure") === true;
    const port = read("port");
    const user = read("user");
    const password = read("password");
    const batchItems = read("batchMaxItems");
    const list = read("brokers");
    let brokers: BrokerNode[] | undefined;
    try {
      brokers = typeof list === "string" ? parseBrokerNodes(list, secure ? 8883 : 1883) : undefined;
    } catch (error) {
      // A bad list must not stop the device: it keeps host:port alone and says why.
      platformConsole.write("net", `preference mote-net/brokers ignored: ${(error as Error).message}`);
    }
    return {
      deviceId,
      host,
      port: typeof port === "number" ? port : secure ? 8883 : 1883,
      secure,
      ...(typeof user === "string" ? { user } : {}),
      ...(typeof password === "string" ? { password } : {}),
      ...(brokers ? { brokers } : {}),
      ...(typeof batchItems === "number" ? { batch: { maxItems: batchItems, maxBytes: 1024, lingerMs: 0 } } : {}),
    };
  },
  mqtt(secure: boolean) {
    const network = (globalThis as { device?: { network?: Record<string, { io: new (options: any) => any }> } }).device?.network;
    return network?.[secure ? "mqtts" : "mqtt"];
  },
  now(): number {
    return Date.now();
  },
});
