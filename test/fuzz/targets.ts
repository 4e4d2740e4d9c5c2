// Fuzz targets: every parser that takes bytes or JSON from outside the device, with a fast-check
// arbitrary for its input and the refusals its contract allows. A target fails when the parser
// throws anything else (a host exception), takes longer than HANG_MS on one input, or (for the
// OTA transport) subscribes to a filter built from an unchecked txn. Shared by the seeded run in
// `npm test` (test/fuzz/parsers.test.ts) and the nightly-sized `npm run fuzz` (test/fuzz/run.ts).
import './node-shims.ts';
import fc from 'fast-check';
import { encodeBody, encodeSources, PackageFormatError, SIGNATURE_BYTES } from '../../modules/ota/package-format.ts';
import { concatBytes } from '../../modules/ota/bytes.ts';
import { applyDelta, DELTA_HEADER_BYTES, DELTA_MAGIC } from '../../modules/ota/delta.ts';
import { bytesSource, keyId, verifyPackage } from '../../modules/ota/verify.ts';
import { MqttOtaTransport } from '../../modules/ota/mqtt-transport.ts';
import { OtaService } from '../../modules/ota/service.ts';
import { SlotStore, type FlashLike } from '../../modules/ota/slot-store.ts';
import { parseCommand } from '../../modules/net/commands.ts';
import { Outbox } from '../../modules/net/outbox.ts';
import { jsonDepth, parseBoundedJson, MESSAGE_BOUNDS } from '../../modules/permissions/bounded-json.ts';
import { ManifestError, validateManifest } from '../../modules/permissions/manifest.ts';
import { checkPolicy, DEFAULT_POLICY, PolicyError, validatePolicy } from '../../modules/permissions/policy.ts';
import { boardFromJson } from '../../simulator/board-file.ts';
import { generateKeyPairSync } from 'node:crypto';
import { nodeCrypto, publicKeyBytes } from '../../tools/ota/node-crypto.ts';
import { signPackage } from '../../tools/ota/package-build.ts';
import { HEALTH_TARGETS } from './health-targets.ts';
import { CONFIG_TARGETS } from './config-targets.ts';
import { IDENTITY_TARGETS } from './identity-targets.ts';

/** One input may take at most this long (a hang is a failure). */
export const HANG_MS = 2000;

export interface FuzzTarget {
  name: string;
  input: fc.Arbitrary<unknown>;
  /** Runs the parser; returns normally for a value or an allowed refusal, throws for a failure. */
  run(input: unknown): void;
}

class Failure extends Error {}

/** Runs `parse`; an exception that is not one of `allowed` is a failure. */
function only(parse: () => unknown, ...allowed: Function[]): void {
  try {
    parse();
  } catch (error) {
    if (allowed.some((Type) => error instanceof Type)) return;
    throw new Failure(`host exception: ${(error as Error)?.stack ?? String(error)}`);
  }
}

const text = (s: unknown) => new TextEncoder().encode(String(s));
const bytes = fc.uint8Array({ maxLength: 4096 });
/** JSON text: valid JSON values, deep nesting, and arbitrary strings. */
const jsonText = fc.oneof(
  fc.integer({ min: 1, max: 20000 }).map((depth) => `{"key":"k","args":${'['.repeat(depth)}${']'.repeat(depth)}}`),
  fc.json({ depthSize: 'medium' }),
  fc.integer({ min: 1, max: 20000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
  fc.string({ maxLength: 300 }),
  fc.jsonValue().map((value) => JSON.stringify(value)),
);
const jsonValue = fc.oneof(fc.jsonValue({ depthSize: 'medium' }), fc.anything({ maxDepth: 4 }));
/** Mostly `valid`, sometimes anything: reaches deep into a parser and still tries every type. */
const nearly = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: valid as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: jsonValue });

/** A small in-memory NOR partition. */
export function memoryFlash(byteLength: number, blockSize = 4096, fill?: Uint8Array): FlashLike {
  const data = new Uint8Array(byteLength).fill(0xff);
  if (fill) data.set(fill.subarray(0, byteLength));
  return {
    byteLength,
    blockSize,
    read: (offset, length) => data.slice(offset, offset + length).buffer,
    write: (offset, _length, buffer) => data.set(new Uint8Array(ArrayBuffer.isView(buffer) ? buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) : buffer), offset),
    erase: (block) => data.fill(0xff, block * blockSize, (block + 1) * blockSize),
  };
}

/** A well-formed unsigned package to mutate. */
function samplePackage(): Uint8Array {
  const manifest = { modules: { '*': ['./main'] }, mote: { id: 'sample', version: '1.0.0', entry: 'main', permissions: {} } };
  const { body } = encodeBody({ id: 'sample', version: '1.0.0', manifest }, [{ kind: 'source', bytes: encodeSources({ main: 'export default {};' }) }]);
  const digest = nodeCrypto.digest('SHA256');
  digest.write(body);
  return concatBytes([body, new Uint8Array(digest.close()), new Uint8Array(SIGNATURE_BYTES)]);
}
const SAMPLE = samplePackage();
const mutatedPackage = fc.oneof(
  bytes,
  fc.tuple(fc.array(fc.tuple(fc.nat(SAMPLE.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat(SAMPLE.length)).map(([edits, cut]) => {
    const copy = SAMPLE.slice(0, Math.max(12, cut));
    for (const [at, value] of edits) if (at < copy.length) copy[at] = value;
    return copy;
  }),
);

const fakeRuntime = { install() {}, start() {}, uninstall() {}, release() {}, status: () => ({ mods: [], rejected: [], audit: [], auditDropped: 0 }) };

function otaService(subscribed: string[] = []) {
  const store = new SlotStore(memoryFlash(256 * 1024));
  const service = new OtaService({ store, crypto: nodeCrypto, deviceId: 'dev1', trusted: () => [], runtime: fakeRuntime as never, setTimer() {}, report() {}, policy: () => DEFAULT_POLICY });
  let onOffer: ((topic: string, payload: ArrayBuffer) => void) | undefined;
  const session = {
    deviceId: 'dev1',
    connected: true,
    subscribe(filter: string, handler: (topic: string, payload: ArrayBuffer) => void) {
      subscribed.push(filter);
      if (filter === 'mote/v1/dev1/ota/offer') onOffer = handler;
    },
    unsubscribe() {},
    enqueue: () => 0,
  };
  const done = new Set<string>();
  const transport = new MqttOtaTransport({ session, service, store, done: { has: (txn) => done.has(txn), add: (txn) => void done.add(txn) }, setTimer() {}, now: () => 0, log() {} });
  transport.start();
  /** Delivers an ota/offer message as the session does. */
  const offer = (payload: Uint8Array) => onOffer?.('mote/v1/dev1/ota/offer', payload.slice().buffer);
  return { service, transport, offer };
}

/** A subscription filter built from offer data must be literal below ota/chunk/. */
function checkFilters(filters: string[]): void {
  for (const filter of filters) {
    const levels = filter.split('/');
    if (levels.some((level) => level === '' || level.includes('+') || level.includes('#') || /[\u0000-\u001f]/.test(level))) throw new Failure(`subscribed to an unsafe filter ${JSON.stringify(filter)}`);
  }
}

const offerMessage = fc.oneof(
  jsonText,
  fc.record({
    txn: nearly(fc.oneof(fc.constantFrom('x/#', '+', '..', 'a/b', 't1', 't,2', '', 'ok-1'), fc.string({ maxLength: 70 }))),
    op: nearly(fc.constantFrom('install', 'remove', 'rollback', 'release')),
    id: nearly(fc.constantFrom('sample', 'x')),
    version: nearly(fc.constantFrom('1.0.0', '2.0.0', 'banana')),
    size: nearly(fc.integer({ min: -5, max: 40000 })),
    chunkBytes: nearly(fc.integer({ min: -5, max: 20000 })),
    delta: nearly(fc.boolean()),
    healthMs: nearly(fc.integer()),
  }, { requiredKeys: ['txn', 'id', 'version', 'size', 'chunkBytes'] }).map((offer) => JSON.stringify(offer)),
);

const filters = nearly(fc.oneof(fc.constant('*'), fc.array(nearly(fc.constantFrom('telemetry/#', 'cmd/+', 'a/#/b', '', '$SYS/#', 'x')), { maxLength: 3 })));
const allowance = fc.record({
  digital: nearly(fc.oneof(fc.constant('*'), fc.array(fc.record({ pin: nearly(fc.integer({ min: -1, max: 40 })), mode: nearly(fc.constantFrom('input', 'output', 'both')) }), { maxLength: 2 }))),
  i2c: nearly(fc.oneof(fc.constant('*'), fc.array(fc.record({ bus: nearly(fc.nat(2)), address: nearly(fc.integer({ min: -1, max: 300 })) }), { maxLength: 2 }))),
  mqtt: nearly(fc.record({ publish: filters, subscribe: filters, absolute: nearly(fc.record({ publish: filters, subscribe: filters }, { requiredKeys: [] })) }, { requiredKeys: [] })),
  storage: nearly(fc.oneof(fc.constant('*'), fc.record({ bytes: nearly(fc.integer()) }))),
  timers: nearly(fc.oneof(fc.constant('*'), fc.record({ max: nearly(fc.integer()), minInterval: nearly(fc.integer()) }, { requiredKeys: [] }))),
  power: nearly(fc.oneof(fc.constant('*'), fc.record({ minWakeInterval: nearly(fc.integer()), maxHoldAwake: nearly(fc.integer()) }, { requiredKeys: [] }))),
  sampling: nearly(fc.oneof(fc.constant('*'), fc.record({ minInterval: nearly(fc.integer()) }, { requiredKeys: [] }))),
}, { requiredKeys: [] });

/** A package whose header fields are fuzzed, then hashed and signed by the trusted FUZZ_KEY: the checks after the signature run too. */
const FUZZ_KEY = generateKeyPairSync('ed25519');
const FUZZ_PUBLIC = publicKeyBytes(FUZZ_KEY.publicKey);
const signedPackage = fc.record({
  id: nearly(fc.constantFrom('sample', 'vault', '')),
  version: nearly(fc.oneof(fc.constantFrom('1.0.0', '2.0.0', '0.9.9', '1.0.0-rc.1', 'banana', '1.0', ''), fc.string({ maxLength: 12 }))),
  device: fc.option(nearly(fc.constantFrom('dev1', 'dev2'))),
  manifest: jsonValue,
}).map((header) => {
  const fields = Object.fromEntries(Object.entries(header).filter(([, value]) => value !== null)) as never;
  const { body } = encodeBody({ ...(fields as object), key: keyId(FUZZ_PUBLIC, nodeCrypto) } as never, [{ kind: 'source', bytes: encodeSources({ main: 'export default {};' }) }]);
  const digest = nodeCrypto.digest('SHA256');
  digest.write(body);
  return signPackage(concatBytes([body, new Uint8Array(digest.close()), new Uint8Array(SIGNATURE_BYTES)]), FUZZ_KEY.privateKey);
});

/** An accepted message is within the bounds: nothing deeper or longer ever reaches JSON.parse on the device. */
function withinBounds(input: unknown): void {
  if (typeof input !== 'string') return;
  if (input.length > MESSAGE_BOUNDS.maxLength || jsonDepth(input) > MESSAGE_BOUNDS.maxDepth) throw new Failure(`accepted a message beyond the bounds (${input.length} characters, depth ${jsonDepth(input)})`);
}

export const TARGETS: FuzzTarget[] = [
  {
    name: 'manifest',
    input: fc.oneof(jsonValue, fc.record({ modules: jsonValue, mote: fc.oneof(jsonValue, fc.record({ id: jsonValue, version: jsonValue, entry: jsonValue, permissions: jsonValue }, { requiredKeys: [] })) }, { requiredKeys: [] })),
    run: (input) => only(() => validateManifest(input, ['main'], 'fuzz/manifest.json'), ManifestError),
  },
  {
    name: 'policy',
    input: fc.oneof(jsonValue, fc.record({ rules: fc.array(fc.record({ mods: nearly(fc.constantFrom(['probe'], ['other'], ['*'])), signers: fc.oneof(fc.constant(undefined), fc.constant(undefined), nearly(fc.constant(['k1']))), allow: allowance }, { requiredKeys: ['allow'] }), { maxLength: 3 }) })),
    run: (input) => only(() => {
      const policy = validatePolicy(input);
      // A policy that validates is usable: checkPolicy never throws on it.
      checkAgainst(policy);
    }, PolicyError),
  },
  {
    name: 'package',
    input: fc.oneof(mutatedPackage, signedPackage),
    run: (input) => {
      const verdict = verifyPackage(bytesSource(input as Uint8Array), nodeCrypto, { trusted: [{ publicKey: FUZZ_PUBLIC }], deviceId: 'dev1', maxBytes: 1 << 20, installedVersion: '1.0.0' });
      if (typeof verdict?.ok !== 'boolean') throw new Failure('verifyPackage returned no verdict');
    },
  },
  {
    name: 'delta',
    input: fc.oneof(bytes, fc.tuple(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ minLength: 0, maxLength: 200 })).map(([tail, ops]) => {
      const header = new Uint8Array(DELTA_HEADER_BYTES);
      header.set(text(DELTA_MAGIC));
      header[4] = 1;
      header.set(tail.subarray(0, 4), 40);
      return concatBytes([header, ops]);
    })),
    run: (input) => only(() => applyDelta(input as Uint8Array, { byteLength: SAMPLE.length, read: (o, l) => SAMPLE.subarray(o, o + l) }, new Uint8Array(32), () => {}), RangeError),
  },
  {
    name: 'ota-offer',
    input: fc.oneof(offerMessage, fc.string({ maxLength: 100 })),
    run: (input) => {
      const subscribed: string[] = [];
      const { offer } = otaService(subscribed);
      const payload = text(input);
      offer(payload);
      offer(payload); // the retained offer again, as after a reconnect
      checkFilters(subscribed);
    },
  },
  {
    name: 'ota-chunks',
    input: fc.tuple(fc.integer({ min: 1, max: 3000 }), fc.array(fc.tuple(fc.integer({ min: -10, max: 4000 }), bytes), { maxLength: 6 })),
    run: (input) => {
      const [size, chunks] = input as [number, [number, Uint8Array][]];
      const { service } = otaService();
      service.offer({ txn: 't1', id: 'sample', version: '2.0.0', size });
      for (const [offset, chunk] of chunks) service.receive('t1', offset === -10 ? service.expecting?.offset ?? 0 : offset, chunk);
    },
  },
  {
    name: 'commands',
    input: jsonText,
    run: (input) => {
      const result = parseCommand(input as string);
      if (typeof result !== 'string' && (typeof result !== 'object' || typeof result.key !== 'string')) throw new Failure('parseCommand returned neither a command nor a reason');
      if (typeof result !== 'string') withinBounds(input);
    },
  },
  {
    name: 'desired-state',
    input: jsonText,
    run: (input) => {
      const result = parseBoundedJson(input, MESSAGE_BOUNDS);
      if (typeof result.ok !== 'boolean') throw new Failure('no verdict');
      if (result.ok) withinBounds(input);
    },
  },
  {
    name: 'outbox-scan',
    input: fc.uint8Array({ minLength: 0, maxLength: 8192 }),
    run: (input) => {
      const flash = memoryFlash(8192, 1024, input as Uint8Array);
      let dropped = 0;
      const outbox = new Outbox(flash as never, { maxMessages: 64, dropped: { get: () => dropped, set: (value: number) => void (dropped = value) } });
      for (const entry of outbox.entries as readonly { topic: unknown }[]) if (typeof entry.topic !== 'string') throw new Failure('an entry without a topic');
    },
  },
  {
    name: 'board-file',
    input: fc.oneof(jsonValue, fc.record({ extends: fc.oneof(fc.constantFrom('esp32', 'pico-w'), jsonValue), i2c: jsonValue, pins: jsonValue, buttons: jsonValue }, { requiredKeys: [] })),
    run: (input) => only(() => boardFromJson(input, 'fuzz-board.json', '/nonexistent-fuzz-dir'), BoardFileError),
  },
  ...HEALTH_TARGETS,
  ...CONFIG_TARGETS,
  ...IDENTITY_TARGETS,
];

/** Board files refuse with a plain Error whose message names the file. */
class BoardFileError {
  static [Symbol.hasInstance](error: unknown): boolean {
    return error instanceof Error && error.constructor === Error && error.message.startsWith('fuzz-board.json');
  }
}

function checkAgainst(policy: ReturnType<typeof validatePolicy>): void {
  const manifest = validateManifest({ mote: { id: 'probe', version: '1.0.0', permissions: { digital: [{ pin: 2, mode: 'output' }], i2c: [{ bus: 0, address: 72 }], mqtt: { publish: ['telemetry/x'], subscribe: ['cmd/#'], absolute: { publish: ['alerts/x'] } }, storage: { bytes: 10 }, timers: { max: 1, minInterval: 100 }, power: { minWakeInterval: 60000, maxHoldAwake: 1000 }, sampling: { minInterval: 60000 } } } }, ['main']);
  checkPolicy(policy, manifest);
}
