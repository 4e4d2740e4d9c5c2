// One read-once case and the refusals of every facet a mod can reach (issue 15), keyed by what
// the host offers: each `mote/*` module and driver by its specifier, each `device.io` class as
// `device.io.<Name>`. kit.test.ts asks the booted host for what it offers and fails on any
// facet without an entry here (or an entry for a facet the host no longer offers).
//
// The snippets run inside one mod (kit.test.ts PRELUDE): `counted(label, values)` is an object
// whose every property is a getter counting its reads, `numeric(label, n)` counts each ToNumber,
// `stringy(label, s)` each ToString; `throwing` has a `pin` getter that throws.

export interface FacetCase {
  /** The binding the mod imports a `mote/*` module or driver as; none for `device.io` classes. */
  binding?: string;
  /** Mod code passing counted arguments; each must be read exactly once ('never': none may be read at all). */
  readOnce: string;
  reads?: 'once' | 'never';
  /** label → mod code that must throw an Error with a clean stack (no host frames). */
  refusals: Record<string, string>;
}

/** The I2C sensor drivers the host offers, by specifier: the binding a mod imports and the chip's address on bus 0. */
export const SENSORS: Record<string, { binding: string; chip: string; address: number }> = {
  'embedded:sensor/Humidity-Temperature/SHT4x': { binding: 'SHT4x', chip: 'sht4x', address: 0x44 },
  'embedded:sensor/Barometer-Humidity-Temperature/BME280': { binding: 'BME280', chip: 'bme280', address: 0x76 },
  'embedded:sensor/AmbientLight/BH1750': { binding: 'BH1750', chip: 'bh1750', address: 0x23 },
  'embedded:sensor/CarbonDioxideGasSensor-Humidity-Temperature/SCD41': { binding: 'SCD41', chip: 'scd41', address: 0x62 },
  'embedded:sensor/Current-Power-Voltage/INA219': { binding: 'INA219', chip: 'ina219', address: 0x40 },
};

export const PERMISSIONS = {
  digital: [{ pin: 2, mode: 'output' }, { pin: 0, mode: 'input' }, { pin: 12, mode: 'output' }],
  i2c: Object.values(SENSORS).map(({ address }) => ({ bus: 0, address })),
  timers: { max: 2, minInterval: 100 },
  storage: { bytes: 200 },
  mqtt: { publish: ['telemetry/#'], subscribe: ['cmd/#'] },
  power: { minWakeInterval: 60000, maxHoldAwake: 1000 },
  sampling: { minInterval: 60000 },
};

export const CONFIG = { level: { type: 'integer', min: 0, max: 10, default: 3 } };

/**
 * A driver's case. Only the SHT4x answers on the attack board: the others stop at their first
 * transfer (no chip answers), after the options were read, which keeps their start-up waits
 * (Timer.delay, up to 500 ms for the SCD41) from holding the device.
 */
function driverCase(binding: string, address: number): FacetCase {
  return {
    binding,
    readOnce: `try { new ${binding}({ sensor: counted('sensor', { ...device.I2C.default, address: ${address} }) }).close(); } catch (e) { if (${binding} === SHT4x) throw e; }`,
    refusals: {
      address: `new ${binding}({ sensor: { ...device.I2C.default, address: 0x11 } });`,
      options: `new ${binding}({} as any);`,
    },
  };
}

export const FACET_CASES: Record<string, FacetCase> = {
  'device.io.Digital': {
    readOnce: `const D = device.io.Digital; new D(counted('options', { pin: 2, mode: D.Output, edge: 0, target: 1 })).close();`,
    refusals: {
      pin: `new device.io.Digital({ pin: 9, mode: device.io.Digital.Output });`,
      null: `new device.io.Digital(null as any);`,
      getter: `new device.io.Digital(throwing);`,
      format: `const d = new device.io.Digital({ pin: 2, mode: device.io.Digital.Output }); try { (d as any).format = 'buffer'; } finally { d.close(); }`,
      closed: `const d = new device.io.Digital({ pin: 2, mode: device.io.Digital.Output }); d.close(); d.write(1);`,
      // The class every mod shares, reached through the prototype chain, opens nothing without a mod's scope.
      'shared class': `new (Object.getPrototypeOf(device.io.Digital))({ pin: 2, mode: device.io.Digital.Output });`,
      'subclass of the shared class': `new (class extends Object.getPrototypeOf(device.io.Digital) {})({ pin: 2, mode: device.io.Digital.Output });`,
      'detached getter': `Object.getOwnPropertyDescriptor(Object.getPrototypeOf(device.io), 'Digital')!.get!.call({});`,
      'detached write': `const d = new device.io.Digital({ pin: 2, mode: device.io.Digital.Output }); const { write } = d; try { write(1); } finally { d.close(); }`,
      'base class': `new (Object.getPrototypeOf(Object.getPrototypeOf(device.io.Digital)))({}, {}, {}, { pin: 2, mode: 8 });`,
    },
  },
  'device.io.I2C': {
    readOnce: `new device.io.I2C(counted('options', { port: 0, address: 0x44, hz: 100000, target: 1 })).close();`,
    refusals: {
      'shared class': `new (Object.getPrototypeOf(device.io.I2C))({ port: 0, address: 0x44 });`,
      port: `new device.io.I2C({ port: 7, address: 0x44 } as any);`,
      address: `new device.io.I2C({ port: 0, address: 0x45 });`,
      nack: `const i = new device.io.I2C({ port: 0, address: 0x44 }); try { i.read(new Uint8Array(600000)); } finally { i.close(); }`,
    },
  },
  'device.io.PWM': {
    readOnce: `new (device.io as any).PWM(counted('options', { pin: 12, hz: 1000, resolution: 10, target: 1 })).close();`,
    refusals: {
      pin: `new (device.io as any).PWM({ pin: 9 });`,
      getter: `new (device.io as any).PWM(throwing);`,
    },
  },
  'mote/timer': {
    binding: 'Timer',
    readOnce: `const t = Timer.set(() => {}, numeric('interval', 500), numeric('repeat', 500)); Timer.schedule(t, numeric('schedule.interval', 200), numeric('schedule.repeat', 0)); Timer.clear(t);
Timer.clear(Timer.repeat(() => {}, numeric('repeat.interval', 500)));`,
    refusals: {
      interval: `Timer.set(() => {}, 1);`,
      callback: `Timer.set(5 as any, 500);`,
      schedule: `Timer.schedule({} as any, 500);`,
      symbol: `Timer.set(() => {}, Symbol('s') as any);`,
      detached: `const { set } = Timer; set(() => {}, 500);`,
      construct: `new (Timer as any).constructor({}, {}, {});`,
    },
  },
  'mote/storage': {
    binding: 'storage',
    readOnce: `storage.set('k', counted('value', { a: 1, b: 'x' }));`,
    refusals: {
      key: `storage.set('', 1);`,
      cycle: `const a: any = {}; a.a = a; storage.set('k', a);`,
      bigint: `storage.set('k', 1n as any);`,
      quota: `storage.set('k', 'x'.repeat(300));`,
      detached: `const { get } = storage; get('k');`,
      construct: `new (storage as any).constructor({}, {}, {}, {});`,
    },
  },
  'mote/mqtt': {
    binding: 'mqtt',
    // No network here: publish is refused after its options were read.
    readOnce: `try { mqtt.publish('telemetry/x', 1, counted('publish', { qos: 1, retain: false, absolute: false })); } catch {}
try { mqtt.subscribe('cmd/x', () => {}, counted('subscribe', { absolute: false })); } catch {}`,
    refusals: {
      topic: `mqtt.publish(5 as any, 1);`,
      options: `mqtt.publish('telemetry/x', 1, 5 as any);`,
      qos: `mqtt.publish('telemetry/x', 1, { qos: 2 as any });`,
      getter: `mqtt.publish('telemetry/x', 1, { get qos(): 0 { throw new Error('boom'); } });`,
      'no network': `mqtt.publish('telemetry/x', 1);`,
    },
  },
  'mote/config': {
    binding: 'config',
    // A key must be a string primitive: an object is refused before anything of it is read.
    readOnce: `try { config.get(stringy('key', 'level') as any); } catch {}`,
    reads: 'never',
    refusals: {
      key: `config.get(5 as any);`,
      undeclared: `config.get('colour');`,
      callback: `config.onChange(5 as any);`,
      detached: `const { values } = config; values();`,
      construct: `new (config as any).constructor({}, {}, {});`,
    },
  },
  'mote/log': {
    binding: 'log',
    readOnce: `log.info(stringy('item', 'a'), stringy('second item', 'b'));`,
    refusals: {
      level: `log.enabled('loud' as any);`,
      detached: `const { info } = log; info('x');`,
      construct: `new (log as any).constructor({}, {}, {});`,
    },
  },
  'mote/power': {
    binding: 'power',
    readOnce: `power.every(numeric('interval', 60000), () => {}, counted('options', { name: 'n', slack: 10 })).close();
power.holdAwake(numeric('hold', 500), stringy('reason', 'r')).close();`,
    refusals: {
      interval: `power.every(1, () => {});`,
      name: `power.every(60000, () => {}, { name: { toString() { throw new Error('boom'); } } as any });`,
      hold: `power.holdAwake(1000000, 'long');`,
      pin: `power.wakeOnPin(9, 0);`,
      level: `power.wakeOnPin(0, 5 as any);`,
      retain: `power.retain('x'.repeat(300));`,
      detached: `const { retained } = power; retained();`,
      'detached close': `const { close } = power.holdAwake(10, 'r'); close();`,
    },
  },
  'mote/sampling': {
    binding: 'sampling',
    readOnce: `sampling.declare(counted('declaration', {
  name: 'n', read: () => 1, slack: 0,
  adaptive: counted('adaptive', { minInterval: 60000, maxInterval: 120000, tolerance: 0.5, noise: 0.1 }),
  report: counted('report', { sendOnDelta: 1 }),
})).close();`,
    refusals: {
      name: `sampling.declare({} as any);`,
      interval: `sampling.declare({ name: 'n', read: () => 1, interval: 1000 });`,
      adaptive: `sampling.declare({ name: 'n', read: () => 1, adaptive: { minInterval: 60000, maxInterval: 1, tolerance: 1 } });`,
      onReports: `sampling.onReports(5 as any);`,
      detached: `const { onReports } = sampling; onReports(() => {});`,
    },
  },
  'mote/led': {
    binding: 'LED',
    readOnce: `new LED(counted('options', { pin: 2, invert: false, dimmable: false, openDrain: false })).close();`,
    refusals: {
      options: `new LED({} as any);`,
      pin: `new LED({ pin: 9 });`,
      brightness: `const led = new LED({ pin: 2 }); try { led.brightness = 2; } finally { led.close(); }`,
      closed: `const led = new LED({ pin: 2 }); led.close(); led.on();`,
      'shared class': `new (Object.getPrototypeOf(LED))({ pin: 2 });`,
      detached: `const led = new LED({ pin: 2 }); const { on } = led; try { on(); } finally { led.close(); }`,
    },
  },
  'mote/button': {
    binding: 'Button',
    readOnce: `new Button(counted('options', { pin: 0, activeLow: true, pull: 'up', debounce: 30, onPush() {} })).close();`,
    refusals: {
      debounce: `new Button({ pin: 0, debounce: 5000 });`,
      pull: `new Button({ pin: 0, pull: 'sideways' as any });`,
      pin: `new Button({ pin: 2 });`,
      'shared class': `new (Object.getPrototypeOf(Button))({ pin: 0 });`,
    },
  },
  ...Object.fromEntries(Object.entries(SENSORS).map(([specifier, { binding, address }]) => [specifier, driverCase(binding, address)])),
};
