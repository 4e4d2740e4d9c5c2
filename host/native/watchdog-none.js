// `native/watchdog` where Mote has no hardware watchdog yet (ESP32: Moddable's sdkconfig leaves
// the task watchdog off, CONFIG_ESP_TASK_WDT_EN unset; lin). Nothing survives a reset here, so
// `lastReset` cannot name the mod that was running; see docs/building-the-host.md.
export function arm(ms) {}
export function feed() {}
export function record(mod) {}
export function lastReset() {
	return undefined;
}
