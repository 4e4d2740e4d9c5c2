// The quarantine list, kept in the host's `preference` store (domain "mote", key "quarantine")
// so that a mod that took the machine down or crashed repeatedly stays stopped across reboots
// until the owner releases it. Stored as JSON: { "<mod id>": "<why>" }.

export interface PreferenceStore {
  get(domain: string, key: string): unknown;
  set(domain: string, key: string, value: string): void;
  delete(domain: string, key: string): void;
}

const DOMAIN = "mote";
const KEY = "quarantine";

export class Quarantine {
  readonly #store: PreferenceStore | undefined;
  readonly #reasons = new Map<string, string>();

  constructor(store?: PreferenceStore) {
    this.#store = store;
    const stored = store?.get(DOMAIN, KEY);
    if (typeof stored !== "string") return;
    try {
      for (const [id, reason] of Object.entries(JSON.parse(stored) as Record<string, unknown>)) this.#reasons.set(id, String(reason));
    } catch {
      // A damaged list is rebuilt by the next quarantine; it never blocks the boot.
    }
  }

  reason(id: string): string | undefined {
    return this.#reasons.get(id);
  }

  add(id: string, reason: string): void {
    this.#reasons.set(id, reason);
    this.#save();
  }

  release(id: string): boolean {
    if (!this.#reasons.delete(id)) return false;
    this.#save();
    return true;
  }

  #save(): void {
    if (!this.#store) return;
    if (!this.#reasons.size) this.#store.delete(DOMAIN, KEY);
    else this.#store.set(DOMAIN, KEY, JSON.stringify(Object.fromEntries(this.#reasons)));
  }
}
