// The fleet's identity registry (docs/identity.md): each device's id, its broker credentials
// (the confirmed one and, during a rotation, the pending one), its claim code and whether a fleet
// has claimed it; and the operators' logins. Kept as one JSON file (mode 0600) that only hashes
// secrets: SHA-256 over a random salt and a 192-bit random secret (a secret this long needs no
// slow hash; a person never chooses it). Brokers read it live (Aedes, tools/identity/aedes-guard.ts)
// or through files written from it (Mosquitto, tools/identity/mosquitto.ts).
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';

export interface Credential {
  serial: number;
  salt: string;
  hash: string;
  /** ISO time it was issued. */
  issued: string;
}

export interface DeviceIdentity {
  id: string;
  /** [confirmed] or, while a rotation waits for the device's ack, [confirmed, pending]. */
  credentials: Credential[];
  claim?: { salt: string; hash: string };
  claimed?: { fleet: string; at: string };
}

interface RegistryFile {
  v: 1;
  devices: Record<string, DeviceIdentity>;
  operators: Record<string, { salt: string; hash: string }>;
}

/** What `provision` and `rotate` hand out once (the registry keeps only hashes). */
export interface IssuedLogin {
  id: string;
  user: string;
  password: string;
  serial: number;
  claimCode?: string;
}

export class IdentityError extends Error {}

/** $MOTE_HOME/identity/registry.json, else .mote/identity/registry.json in the project (gitignored). */
export function defaultRegistryFile(): string {
  return join(process.env.MOTE_HOME ?? join(PROJECT_ROOT, '.mote'), 'identity', 'registry.json');
}

/** The device id rule shared with the simulator and the factory image: a topic level and the MQTT client id. */
export const DEVICE_ID = /^[A-Za-z0-9_-]{1,62}$/;
/** Crockford base32 without look-alikes: a code read off a label or a screen. */
const CLAIM_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

const hashSecret = (salt: string, secret: string) => createHash('sha256').update(salt).update('\0').update(secret).digest('hex');

function matches(record: { salt: string; hash: string }, secret: string): boolean {
  const given = Buffer.from(hashSecret(record.salt, secret), 'hex');
  const kept = Buffer.from(record.hash, 'hex');
  return given.length === kept.length && timingSafeEqual(given, kept);
}

function hashed(secret: string): { salt: string; hash: string } {
  const salt = randomBytes(16).toString('hex');
  return { salt, hash: hashSecret(salt, secret) };
}

/** A new broker password: 192 random bits, base64url (32 characters, fits the Pico's 62-byte preference). */
export const newSecret = () => randomBytes(24).toString('base64url');

/** A claim code such as "K7QX-M2PA": 40 random bits. */
export function newClaimCode(): string {
  let code = '';
  for (let i = 0; i < 8; i++) code += CLAIM_ALPHABET[randomInt(CLAIM_ALPHABET.length)];
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** "k7qx m2pa", "K7QXM2PA" → "K7QX-M2PA"; undefined when it cannot be a claim code. */
export function normalizeClaimCode(text: string): string | undefined {
  const plain = text.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (plain.length !== 8 || [...plain].some((char) => !CLAIM_ALPHABET.includes(char))) return undefined;
  return `${plain.slice(0, 4)}-${plain.slice(4)}`;
}

export class IdentityRegistry {
  readonly file: string;
  #data: RegistryFile;
  readonly #listeners = new Set<() => void>();

  /** The file's mtime and size when last read or written: another process (`mote provision`) may change it. */
  #seen = '';

  constructor(file: string) {
    this.file = file;
    this.#data = this.#read() ?? { v: 1, devices: {}, operators: {} };
  }

  #stamp(): string {
    try {
      const stat = statSync(this.file);
      return `${stat.mtimeMs}:${stat.size}`;
    } catch {
      return '';
    }
  }

  #read(): RegistryFile | undefined {
    if (!existsSync(this.file)) return undefined;
    this.#seen = this.#stamp();
    let data: RegistryFile;
    try {
      data = JSON.parse(readFileSync(this.file, 'utf8')) as RegistryFile;
    } catch (error) {
      throw new IdentityError(`identity registry ${this.file}: ${(error as Error).message}; restore it from a backup (it holds every device's login)`);
    }
    if (data?.v !== 1 || typeof data.devices !== 'object' || typeof data.operators !== 'object') throw new IdentityError(`identity registry ${this.file}: not a version 1 registry`);
    return data;
  }

  /** Reads the file again when another process changed it (a broker keeps running while `mote provision` and `mote rotate` write). */
  #fresh(): RegistryFile {
    if (this.#stamp() !== this.#seen) {
      const data = this.#read();
      if (data) {
        this.#data = data;
        for (const listener of this.#listeners) listener();
      }
    }
    return this.#data;
  }

  /** Called after every change (Mosquitto's files are rewritten and reloaded from here). */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  device(id: string): DeviceIdentity | undefined {
    return this.#fresh().devices[id];
  }

  devices(): DeviceIdentity[] {
    return Object.values(this.#fresh().devices);
  }

  operators(): Array<{ user: string; salt: string; hash: string }> {
    return Object.entries(this.#fresh().operators).map(([user, record]) => ({ user, ...record }));
  }

  /**
   * A new device: a login and a claim code. Refuses a taken id unless `replace` (a re-provisioned
   * board; its old login stops working). `write` puts the login on the device (image, preferences)
   * before the registry keeps it: when it throws, the registry is unchanged.
   */
  provision(id: string, options: { replace?: boolean } = {}, write?: (login: IssuedLogin) => void): IssuedLogin {
    if (!DEVICE_ID.test(id)) throw new IdentityError(`device id "${id}": use 1-62 letters, digits, "-" or "_" (it is a topic level and the MQTT client id)`);
    if (this.#fresh().devices[id] && !options.replace) throw new IdentityError(`device id "${id}" is already provisioned; every device needs its own id (pass --replace to re-provision this one and revoke its old login)`);
    const password = newSecret();
    const claimCode = newClaimCode();
    const login: IssuedLogin = { id, user: id, password, serial: 1, claimCode };
    write?.(login);
    this.#data.devices[id] = { id, credentials: [{ serial: 1, ...hashed(password), issued: new Date().toISOString() }], claim: hashed(claimCode) };
    this.#save();
    return login;
  }

  /** An operator login (CLI, console, the identity service) that may use every topic. */
  addOperator(user: string): { user: string; password: string } {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(user) || this.#fresh().devices[user]) throw new IdentityError(`operator "${user}": 1-64 letters, digits, ".", "_" or "-", and not a device id`);
    const password = newSecret();
    this.#data.operators[user] = hashed(password);
    this.#save();
    return { user, password };
  }

  /** Which of a device's credentials `password` is, if any. */
  checkDevice(id: string, password: string | undefined): 'confirmed' | 'pending' | undefined {
    const device = this.#fresh().devices[id];
    if (!device || password === undefined) return undefined;
    const index = device.credentials.findIndex((credential) => matches(credential, password));
    return index < 0 ? undefined : index === 0 ? 'confirmed' : 'pending';
  }

  checkOperator(user: string, password: string | undefined): boolean {
    const record = this.#fresh().operators[user];
    return !!record && password !== undefined && matches(record, password);
  }

  /** Issues a pending password; the confirmed one keeps working until `confirm` (a sleeping device still gets in). */
  rotate(id: string): IssuedLogin {
    const device = this.#require(id);
    const password = newSecret();
    const serial = Math.max(...device.credentials.map((credential) => credential.serial)) + 1;
    device.credentials = [device.credentials[0], { serial, ...hashed(password), issued: new Date().toISOString() }];
    this.#save();
    return { id, user: id, password, serial };
  }

  /** The device acknowledged rotation `serial`: its pending password becomes the only one. False when nothing waited. */
  confirm(id: string, serial: number): boolean {
    const device = this.#require(id);
    const pending = device.credentials[1];
    if (!pending || pending.serial !== serial) return false;
    device.credentials = [pending];
    this.#save();
    return true;
  }

  /** Binds the device whose claim code this is to `fleet`; names the device. */
  claim(code: string, fleet: string): DeviceIdentity {
    const normal = normalizeClaimCode(code);
    if (!normal) throw new IdentityError(`"${code}" is not a claim code: 8 characters like K7QX-M2PA (from the console or the device's label)`);
    const device = this.devices().find((candidate) => candidate.claim && matches(candidate.claim, normal));
    if (!device) throw new IdentityError(`no provisioned device has claim code ${normal}; check the code, or provision the device first (mote provision)`);
    if (device.claimed && device.claimed.fleet !== fleet) throw new IdentityError(`device ${device.id} is already claimed by fleet "${device.claimed.fleet}"`);
    device.claimed = { fleet, at: device.claimed?.at ?? new Date().toISOString() };
    this.#save();
    return device;
  }

  #require(id: string): DeviceIdentity {
    const device = this.#fresh().devices[id];
    if (!device) throw new IdentityError(`device "${id}" is not in the identity registry ${this.file}; provision it first (mote provision --id ${id})`);
    return device;
  }

  #save(): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(this.#data, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, this.file); // a crash leaves the old registry or the new, never half of one
    this.#seen = this.#stamp();
    for (const listener of this.#listeners) listener();
  }
}
