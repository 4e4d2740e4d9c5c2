// A configuration schema and a mod that declares it, shared by the configuration tests.

export const SCHEMA = {
  level: { type: 'integer', min: 0, max: 10, default: 3 },
  unit: { type: 'enum', values: ['C', 'F'], default: 'C' },
  fast: { type: 'boolean', default: false },
};

export function configuredMod(id: string, main: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    main,
    manifest: { modules: { '*': ['./main'] }, mote: { id, version: '1.0.0', entry: 'main', permissions: {}, config: SCHEMA, ...extra } },
  };
}
