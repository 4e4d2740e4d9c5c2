// The host's network: the one MQTT session every mod shares (`mote/mqtt`), built from the
// board's powers: its broker config and ECMA-419 MQTT client (`platform/network`), the "outbox"
// flash partition, `preference` for the counters and command keys that must survive a reboot,
// and the `timer` module. No network configured: `mote/mqtt` refuses with a message saying so.
import Timer from "timer";
import Flash from "flash";
// Values here outgrow the Pico preference module (63 bytes): platform/storage has its shape, no limit.
import Preference from "platform/storage";
import network from "platform/network";
import platformConsole from "platform/console";
import { Outbox } from "net/outbox";
import { Session } from "net/session";
import { rotateBrokers } from "net/broker-list";
import { CommandLedger } from "net/commands";
import { mqttModule } from "net/mqtt-facet";
import { identityLine, startIdentity } from "net/identity";
import { OTA_DOMAIN, otaCrypto, trustedKeys } from "host/ota";
import type { ModModule } from "runtime/runtime";

const DOMAIN = "mote-net";
/** At most this many unacknowledged messages wait in the outbox; then the oldest are dropped. */
const OUTBOX_MESSAGES = 2000;
/** A clean shutdown sends what the outbox holds for at most this long (device ms). */
export const SHUTDOWN_GRACE_MS = 10_000;

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

/**
 * The host's network: session, outbox and the `mote/mqtt` module. `describe` gives the retained
 * `state`. `beginShutdown(graceMs)` runs when a clean shutdown begins (docs/topics.md, "Shutdown"):
 * it stops the mods, so that none makes readings during the grace period and what a mod's onStop
 * publishes is drained too, and keeps the device and its radio awake for the drain (with no mod
 * running the power manager would sleep in the middle of it); it returns the release.
 */
export function createNetwork(describe?: () => Record<string, unknown>, beginShutdown?: (graceMs: number) => () => void): HostNetwork {
  const config = network.config();
  const client = config && network.mqtt(config.secure);
  // Whole milliseconds: every `ts` on the wire is an integer (docs/topics.md).
  const now = () => Math.floor(network.now());
  if (!config || !client) {
    // No radio (a plain Pico): the console is the only place its provisioned identity shows.
    if (config) platformConsole.write("net", identityLine(config.deviceId, { get: (key) => Preference.get(DOMAIN, key) as string | undefined }));
    return { module: mqttModule(undefined), session: undefined, now };
  }
  let session: Session | undefined;
  const outbox = new Outbox(new Flash("outbox"), {
    onDrop: (owner, seq, reason) => session?.dropped(owner, seq, reason),
    maxMessages: OUTBOX_MESSAGES,
    dropped: {
      get: () => {
        const value = Preference.get(DOMAIN, "dropped");
        return typeof value === "number" ? value : 0;
      },
      set: (value) => Preference.set(DOMAIN, "dropped", value),
    },
  });
  // A cluster's nodes (config.brokers): each new connection goes to the next one.
  const brokers = rotateBrokers(config, client, config.brokers);
  session = new Session({
    config: brokers.config,
    network: brokers.network,
    timer: Timer,
    outbox,
    now,
    random: () => Math.random(),
    log: (text) => platformConsole.write("net", text),
    describe,
    ...(config.batch ? { batch: config.batch } : {}),
  });
  const ledger = new CommandLedger(preferenceText("cmd-keys"));
  const live = session;
  // Claim code and credential/key rotation (docs/identity.md): "mote-net" holds the login, "mote-ota" the keys.
  startIdentity({
    session: live,
    store: { get: (key) => Preference.get(DOMAIN, key) as string | number | boolean | undefined, set: (key, value) => Preference.set(DOMAIN, key, value) },
    trust: { get: trustedKeys, set: (keys) => Preference.set(OTA_DOMAIN, "trust", keys.join(",")) },
    verifyEd25519: otaCrypto.verifyEd25519,
    now,
    log: (text) => platformConsole.write("net", text),
  });
  // A clean shutdown (the simulator's end of run; a board's orderly power-down) stops the mods,
  // then drains: mods left running would go on filling the outbox for the whole grace period.
  network.onShutdown?.((graceMs, done) => {
    const grace = graceMs ?? SHUTDOWN_GRACE_MS;
    const release = beginShutdown?.(grace);
    live.drain(grace, (report) => {
      release?.();
      done(report);
    });
  });
  return { module: mqttModule({ session: live, ledger, now }), session: live, now };
}
