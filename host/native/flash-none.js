// `flash` on the desktop `lin` build, which has no flash partitions: the host's modules that name
// the module (host/network's outbox, platform/storage, platform/mod-flash) are preloaded, so the XS
// linker must resolve it on every platform. Opening a partition fails with this message, as
// opening IO fails on lin (host/main.ts, NoIO); the outbox is only opened when a network is configured.
export default class Flash {
	constructor(partition) {
		throw new Error(`this host build has no flash partition "${partition}" (the desktop lin build); build for esp32 or pico, or use the Mote simulator`);
	}
}
