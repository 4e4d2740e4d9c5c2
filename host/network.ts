// The host's network: the one MQTT session every mod shares (`mote/mqtt`), built from the
// board's powers: its broker config and ECMA-419 MQTT client (`platform/network`), the "outbox"
// flash partition, `preference` for the counters and command keys that must survive a reboot,
// and the `timer` module. No network configured: `mote/mqtt` refuses with a message saying so.
import Timer from "timer";
import Flash from "flash";
import Preference from "preference";
import network from "platform/network";
import platformConsole from "platform/console";
import { Outbox } from "net/outbox";
import { Session } from "net/session";
import { CommandLedger } from "net/commands";
import { mqttModule } from "net/mqtt-facet";
import type { ModModule } from "runtime/runtime";

const DOMAIN = "mote-net";
/** At most this many unacknowledged messages wait in the outbox; then the oldest are dropped. */
const OUTBOX_MESSAGES = 2000;

export interface HostNetwork {
  module: ModModule;
  session: Session | undefined;
  /** Unix ms (the device's wall clock). */
  now(): number;
}

function preferenceText(key: string) {
  return {
    get: () => {
      const value = Preference.get(DOMAIN, key);
      return typeof value === "string" ? value : undefined;
    },
    set: (value: string) => Preference.set(DOMAIN, key, value),
  };
}

export function createNetwork(describe?: () => Record<string, unknown>): HostNetwork {
  const config = network.config();
  const client = config && network.mqtt(config.secure);
  if (!config || !client) return { module: mqttModule(undefined), session: undefined, now: () => network.now() };
  const outbox = new Outbox(new Flash("outbox"), {
    maxMessages: OUTBOX_MESSAGES,
    dropped: {
      get: () => {
        const value = Preference.get(DOMAIN, "dropped");
        return typeof value === "number" ? value : 0;
      },
      set: (value) => Preference.set(DOMAIN, "dropped", value),
    },
  });
  const session = new Session({
    config,
    network: client,
    timer: Timer,
    outbox,
    now: () => network.now(),
    random: () => Math.random(),
    log: (text) => platformConsole.write("net", text),
    describe,
    ...(config.batch ? { batch: config.batch } : {}),
  });
  const ledger = new CommandLedger(preferenceText("cmd-keys"));
  return { module: mqttModule({ session, ledger, now: () => network.now() }), session, now: () => network.now() };
}
