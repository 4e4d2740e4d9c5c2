// Moddable's `preference` module (key-value storage in NVS on ESP32), backed by a JSON file in the
// device folder. Values: string, boolean, number or ArrayBuffer; domain and key names are at most
// 15 characters, as on ESP32 NVS.
const MAX_NAME = 15;

function checkName(kind: string, name: unknown): string {
  const text = String(name);
  if (!text.length || text.length > MAX_NAME) throw new RangeError(`Preference: ${kind} "${text}" must be 1-${MAX_NAME} characters`);
  return text;
}

type Stored = string | number | boolean | { bytes: number[] };

const Preference = {
  set(domain: string, key: string, value: string | number | boolean | ArrayBuffer): void {
    let stored: Stored;
    if (value instanceof ArrayBuffer) stored = { bytes: Array.from(new Uint8Array(value)) };
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') stored = value;
    else throw new TypeError('Preference.set: value must be a string, number, boolean or ArrayBuffer');
    sim.ask({ op: 'preference.set', domain: checkName('domain', domain), key: checkName('key', key), value: stored });
  },
  get(domain: string, key: string): string | number | boolean | ArrayBuffer | undefined {
    const stored: Stored | null = sim.ask({ op: 'preference.get', domain: checkName('domain', domain), key: checkName('key', key) });
    if (stored === null) return undefined;
    return typeof stored === 'object' ? Uint8Array.from(stored.bytes).buffer : stored;
  },
  delete(domain: string, key: string): void {
    sim.ask({ op: 'preference.delete', domain: checkName('domain', domain), key: checkName('key', key) });
  },
  keys(domain: string): string[] {
    return sim.ask({ op: 'preference.keys', domain: checkName('domain', domain) });
  },
};

export default harden(Preference);
