// Firmware entry. No side effects at module level (so the host can be preloaded on a board):
// the platform calls the default export once at boot. It returns the runtime for the platform's
// status queries.
import Timer from "timer";
import platformConsole from "platform/console";
import modStore from "platform/mod-store";
import { Runtime } from "runtime/runtime";
import { boardBuses } from "host/board-buses";

export default function main(): Runtime {
  const runtime = new Runtime({ device, buses: boardBuses(device), Timer, log: platformConsole });
  for (const mod of modStore.list()) {
    const name = typeof mod.manifest === "object" && mod.manifest !== null ? (mod.manifest as { mote?: { id?: unknown } }).mote?.id : undefined;
    try {
      runtime.install(mod, `mod ${typeof name === "string" ? `"${name}" ` : ""}manifest.json`);
    } catch {
      // Recorded and reported by the runtime; the other mods still start.
    }
  }
  runtime.startAll();
  platformConsole.write("host", `started ${runtime.status().mods.length} mod(s)`);
  return runtime;
}
