// Fuzz targets for remote configuration (part of TARGETS in targets.ts): the manifest's config
// schema (from an author) and the `config/<mod>` message (from the broker, into the device's host
// service). Neither may throw a host exception; the service must never apply a configuration
// that does not fit the schema, and must refuse or ignore everything else.
import fc from 'fast-check';
import type { FuzzTarget } from './targets.ts';
import { ManifestError, validateManifest } from '../../modules/permissions/manifest.ts';
import { valuesProblems, type ConfigSchema } from '../../modules/permissions/config-schema.ts';
import { ConfigService } from '../../modules/runtime/config-service.ts';
import type { ModContext } from '../../modules/runtime/mod-context.ts';

class Failure extends Error {}

const anyJson = fc.oneof(fc.jsonValue({ depthSize: 'small' }), fc.anything({ maxDepth: 3 }));
const specLike = fc.record({
  type: fc.oneof(fc.constantFrom('integer', 'number', 'boolean', 'string', 'enum'), anyJson),
  default: anyJson, min: anyJson, max: anyJson, maxLength: anyJson, values: fc.oneof(fc.array(fc.string(), { maxLength: 4 }), anyJson), description: anyJson, extra: anyJson,
}, { requiredKeys: ['type'] });
const schemaLike = fc.oneof(fc.dictionary(fc.string({ maxLength: 40 }), fc.oneof(specLike, anyJson), { maxKeys: 40 }), anyJson);

const SCHEMA = validateManifest({ mote: { id: 'probe', version: '1.0.0', config: {
  level: { type: 'integer', min: 0, max: 10, default: 3 }, unit: { type: 'enum', values: ['C', 'F'], default: 'C' },
  fast: { type: 'boolean', default: false }, label: { type: 'string', maxLength: 8, default: '' }, gain: { type: 'number', min: 0, max: 1, default: 0.5 },
} } }, ['main']).config as ConfigSchema;
const values = fc.oneof(fc.dictionary(fc.oneof(fc.constantFrom('level', 'unit', 'fast', 'label', 'gain', '__proto__', 'constructor'), fc.string()), anyJson, { maxKeys: 6 }), anyJson);
const configMessage = fc.oneof(
  { weight: 4, arbitrary: fc.record({ v: fc.oneof(fc.constant(1), anyJson), version: fc.oneof(fc.integer({ min: -2, max: 1e6 }), anyJson), values }, { requiredKeys: [] }).map((m) => JSON.stringify(m) ?? '') },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
);

/** A host service over a session and store in memory, for one mod with SCHEMA. */
function receiveAll(messages: string[]): void {
  let handler: ((topic: string, payload: ArrayBuffer) => void) | undefined;
  const store = new Map<string, unknown>();
  const session = { deviceId: 'dev1', connected: true, stats: { connects: 1 }, subscribe: (_: string, h: typeof handler) => void (handler = h), unsubscribe() {}, enqueue: () => 1 };
  const context = { id: 'probe', manifest: { version: '1.0.0' }, log() {}, audit() {}, deliver: () => true };
  const service = new ConfigService({ session: session as never, store: { get: (d, k) => store.get(`${d}/${k}`), set: (d, k, v) => void store.set(`${d}/${k}`, v) }, now: () => 0, log() {} });
  const view = service.attach(context as unknown as ModContext, SCHEMA);
  for (const message of messages) {
    handler!('mote/v1/dev1/config/probe', new TextEncoder().encode(message).buffer as ArrayBuffer);
    const applied = view.effective;
    const problems = valuesProblems(SCHEMA, applied);
    if (problems.length) throw new Failure(`applied a configuration that does not fit: ${problems.join('; ')}`);
  }
}

export const CONFIG_TARGETS: FuzzTarget[] = [
  {
    name: 'config-schema',
    input: schemaLike,
    run: (input) => {
      let manifest;
      try {
        manifest = validateManifest({ mote: { id: 'probe', version: '1.0.0', config: input } }, ['main']);
      } catch (error) {
        if (error instanceof ManifestError) return;
        throw error;
      }
      // An accepted schema's defaults fit it.
      for (const [key, spec] of Object.entries(manifest.config ?? {})) {
        if (valuesProblems(manifest.config!, { [key]: spec.default }).length) throw new Failure(`default of ${key} does not fit its own schema`);
      }
    },
  },
  {
    name: 'config-message',
    input: fc.array(configMessage, { minLength: 1, maxLength: 4 }),
    run: (input) => receiveAll(input as string[]),
  },
];
