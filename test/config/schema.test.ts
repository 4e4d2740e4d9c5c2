// The manifest's configuration schema (mote.config) and the check of operator values against it:
// a malformed schema is refused at install with every problem named by its path; values are
// refused with the schema's reason; a typed-in value becomes the type the schema asks for.
import assert from 'node:assert/strict';
import { ManifestError, validateManifest } from '../../modules/permissions/manifest.ts';
import { effectiveValues, parseTypedValue, valuesProblems } from '../../modules/permissions/config-schema.ts';
import { SCHEMA } from './fixtures.ts';

function manifestWith(config: unknown) {
  return { mote: { id: 'configured', version: '1.0.0', config } };
}

function problemsOf(config: unknown): string[] {
  try {
    validateManifest(manifestWith(config), ['main']);
  } catch (error) {
    assert.ok(error instanceof ManifestError);
    return [...error.problems];
  }
  return [];
}

describe('mod configuration schema (mote.config)', () => {
  it('accepts a schema of every type, frozen, and no schema at all', () => {
    const manifest = validateManifest(manifestWith({ ...SCHEMA, label: { type: 'string', maxLength: 8, default: 'x', description: 'shown' }, gain: { type: 'number', min: 0.5, default: 1 } }), ['main']);
    assert.deepEqual(Object.keys(manifest.config!), ['level', 'unit', 'fast', 'label', 'gain']);
    assert.ok(Object.isFrozen(manifest.config) && Object.isFrozen(manifest.config!.unit.values));
    assert.equal(validateManifest({ mote: { id: 'plain', version: '1.0.0' } }, ['main']).config, undefined);
  });

  it('refuses a malformed schema, naming each problem by its path', () => {
    assert.deepEqual(problemsOf({
      level: { type: 'integer', min: 5, max: 1, default: 3 },
      unit: { type: 'enum', values: [], default: 'C' },
      speed: { type: 'float', default: 1 },
      quiet: { type: 'boolean' },
      'bad key': { type: 'boolean', default: true },
      big: { type: 'integer', max: 10, default: 11 },
      name: { type: 'string', default: 'x', values: ['x'] },
    }), [
      'mote.config.level: min 5 is more than max 1',
      'mote.config.unit.values: expected 1-32 different strings (each 1-64 characters), got an array',
      'mote.config.speed.type: expected one of "integer", "number", "boolean", "string", "enum", got "float"',
      'mote.config.quiet.default: every key needs a default (true or false): the mod reads it until an operator sets one',
      'mote.config.bad key: a config key is a letter then letters, digits, "-" or "_", 1-32 characters',
      'mote.config.big.default: must be an integer <= 10, got 11',
      'mote.config.name.values: unknown field for type "string"; expected "type", "default", "maxLength", "description"',
    ]);
    assert.deepEqual(problemsOf([1]), ['mote.config: expected an object of keys such as { "period-ms": { "type": "integer", "min": 1000, "max": 60000, "default": 5000 } }, got an array']);
  });

  it('refuses values with the schema reason and accepts fitting ones', () => {
    const schema = validateManifest(manifestWith(SCHEMA), ['main']).config!;
    assert.deepEqual(valuesProblems(schema, { level: 4, unit: 'F', fast: true }), []);
    assert.deepEqual(valuesProblems(schema, { level: 4.5, unit: 'K', fast: 'yes', other: 1 }), [
      'level must be an integer from 0 to 10, got 4.5',
      'unit must be one of "C", "F", got "K"',
      'fast must be true or false, got "yes"',
      '"other" is not a config key of this mod; its keys are "level", "unit", "fast"',
    ]);
    assert.deepEqual(valuesProblems(schema, { __proto__: null, toString: 1 } as unknown as object), ['"toString" is not a config key of this mod; its keys are "level", "unit", "fast"']);
    assert.deepEqual(effectiveValues(schema, { level: 9 }), { level: 9, unit: 'C', fast: false });
  });

  it('turns typed text into the schema type', () => {
    const schema = validateManifest(manifestWith(SCHEMA), ['main']).config!;
    assert.equal(parseTypedValue(schema.level, '7'), 7);
    assert.equal(parseTypedValue(schema.level, 'seven'), 'seven');
    assert.equal(parseTypedValue(schema.fast, 'true'), true);
    assert.equal(parseTypedValue(schema.unit, 'F'), 'F');
    assert.deepEqual(valuesProblems(schema, { level: parseTypedValue(schema.level, 'seven') }), ['level must be an integer from 0 to 10, got "seven"']);
  });
});
