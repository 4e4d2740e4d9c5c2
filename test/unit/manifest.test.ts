import assert from 'node:assert/strict';
import { ManifestError, validateManifest } from '../../modules/permissions/manifest.ts';

const valid = {
  mote: {
    id: 'climate-logger',
    version: '1.2.0',
    entry: 'main',
    permissions: {
      digital: [{ pin: 2, mode: 'output' }, { pin: 0, mode: 'input' }],
      i2c: [{ bus: 0, address: 68 }],
      mqtt: { publish: ['telemetry/#'], subscribe: ['cmd/#'] },
      storage: { bytes: 4096 },
      timers: { max: 4, minInterval: 100 },
    },
  },
};

function problemsOf(json: unknown, modules = ['main']): string[] {
  try {
    validateManifest(json, modules);
  } catch (error) {
    assert.ok(error instanceof ManifestError);
    return [...error.problems];
  }
  return [];
}

describe('mod manifest validation', () => {
  it('accepts the contract v1 example and freezes the result', () => {
    const manifest = validateManifest(valid, ['main']);
    assert.equal(manifest.id, 'climate-logger');
    assert.deepEqual(manifest.permissions.timers, { max: 4, minInterval: 100 });
    assert.ok(Object.isFrozen(manifest.permissions.digital[0]));
  });

  it('grants nothing that was not requested', () => {
    const manifest = validateManifest({ mote: { id: 'quiet', version: '0.1.0' } }, ['main']);
    assert.deepEqual(manifest.permissions.digital, []);
    assert.deepEqual(manifest.permissions.timers, { max: 0, minInterval: 0 });
    assert.equal(manifest.entry, 'main');
  });

  it('shares one frozen empty for what two mods are not granted, and keeps granted lists their own', () => {
    const quiet = validateManifest({ mote: { id: 'quiet', version: '0.1.0' } }, ['main']).permissions;
    const other = validateManifest({ mote: { id: 'other', version: '0.1.0', permissions: { mqtt: {}, storage: { bytes: 0 } } } }, ['main']).permissions;
    for (const [a, b] of [[quiet.digital, other.digital], [quiet.i2c, other.i2c], [quiet.mqtt, other.mqtt], [quiet.mqtt.absolute, other.mqtt.absolute], [quiet.storage, other.storage]]) {
      assert.equal(a, b);
      assert.ok(Object.isFrozen(a));
    }
    assert.deepEqual(quiet.mqtt, { publish: [], subscribe: [], absolute: { publish: [], subscribe: [] } });
    assert.deepEqual(quiet.storage, { bytes: 0 });
    const granted = validateManifest(valid, ['main']).permissions;
    assert.notEqual(granted.mqtt.absolute, granted.mqtt);
    assert.deepEqual(granted.mqtt, { publish: ['telemetry/#'], subscribe: ['cmd/#'], absolute: { publish: [], subscribe: [] } });
    assert.ok(Object.isFrozen(granted.mqtt.publish) && Object.isFrozen(granted.digital));
  });

  it('names every bad field with what was expected', () => {
    const problems = problemsOf({
      mote: { id: '1x', version: 'latest', entry: 'start', permissions: { digital: [{ pin: 2, mode: 'output' }, { pin: 2, mode: 'input' }], i2c: [{ bus: 0, address: 200 }], timers: { max: -1 }, gpio: [] } },
    });
    assert.deepEqual(problems, [
      'mote.id: expected lower-case letters, digits and "-", 2-32 characters, starting with a letter, got "1x"',
      'mote.version: expected a semantic version such as "1.0.0", got "latest"',
      'mote.entry: expected the name of one of the mod\'s modules ("main"), got "start"',
      'mote.permissions.gpio: unknown permission kind; known kinds are digital, i2c, timers, mqtt, storage, power, sampling',
      'mote.permissions.digital[1]: pin 2 is listed twice; grant each pin once',
      'mote.permissions.i2c[0].address: expected an integer from 0 to 127, got 200',
      'mote.permissions.timers.max: expected an integer from 0 to 64, got -1',
    ]);
  });

  it('says what a mod manifest needs when the "mote" section is missing', () => {
    assert.throws(() => validateManifest({ modules: {} }, ['main'], 'mods/x/manifest.json'), /mods\/x\/manifest\.json: mote: expected an object with "id", "version" and "permissions"/);
  });

  it('checks MQTT filter syntax: # only last, + a whole level, no $ at the start, no empty level', () => {
    const problems = problemsOf({
      mote: { id: 'topics', version: '1.0.0', permissions: { mqtt: {
        publish: ['ok/level', 'a/#/b', 'a+/b', '$SYS/#', '/lead', 'trail/', 'dou//ble', 7],
        subscribe: ['+/x/#'],
        absolute: { publish: ['mote/v1/+/alerts'], subscribe: ['#x'] },
        retain: true,
      } } },
    });
    assert.deepEqual(problems, [
      'mote.permissions.mqtt.retain: unknown field; expected "publish", "subscribe" or "absolute"',
      'mote.permissions.mqtt.publish[1]: "a/#/b" uses "#" other than as the whole last level; expected an MQTT topic filter such as "temperature" or "sensors/+/reading" or "events/#"',
      'mote.permissions.mqtt.publish[2]: "a+/b" uses "+" other than as a whole level; expected an MQTT topic filter such as "temperature" or "sensors/+/reading" or "events/#"',
      'mote.permissions.mqtt.publish[3]: "$SYS/#" starts with "$" (broker topics such as $SYS are never granted); expected an MQTT topic filter such as "temperature" or "sensors/+/reading" or "events/#"',
      'mote.permissions.mqtt.publish[4]: "/lead" has an empty level (a leading, trailing or doubled "/"); expected an MQTT topic filter such as "temperature" or "sensors/+/reading" or "events/#"',
      'mote.permissions.mqtt.publish[5]: "trail/" has an empty level (a leading, trailing or doubled "/"); expected an MQTT topic filter such as "temperature" or "sensors/+/reading" or "events/#"',
      'mote.permissions.mqtt.publish[6]: "dou//ble" has an empty level (a leading, trailing or doubled "/"); expected an MQTT topic filter such as "temperature" or "sensors/+/reading" or "events/#"',
      'mote.permissions.mqtt.publish[7]: 7 is not a string; expected an MQTT topic filter such as "temperature" or "sensors/+/reading" or "events/#"',
      'mote.permissions.mqtt.absolute.subscribe[0]: "#x" uses "#" other than as the whole last level; expected an MQTT topic filter such as "temperature" or "sensors/+/reading" or "events/#"',
    ]);
  });

  it('validates power and sampling requests and leaves them absent when not asked for', () => {
    const manifest = validateManifest({ mote: { id: 'sleepy', version: '1.0.0', permissions: { power: { minWakeInterval: 60000, maxHoldAwake: 5000 }, sampling: { minInterval: 1000 }, mqtt: { publish: ['t'] } } } }, ['main']);
    assert.deepEqual(manifest.permissions.power, { minWakeInterval: 60000, maxHoldAwake: 5000 });
    assert.deepEqual(manifest.permissions.sampling, { minInterval: 1000 });
    assert.deepEqual(manifest.permissions.mqtt, { publish: ['t'], subscribe: [], absolute: { publish: [], subscribe: [] } });
    const quiet = validateManifest({ mote: { id: 'quiet', version: '0.1.0' } }, ['main']);
    assert.equal(quiet.permissions.power, undefined);
    assert.equal(quiet.permissions.sampling, undefined);
    assert.deepEqual(problemsOf({ mote: { id: 'bad', version: '1.0.0', permissions: { power: { minWakeInterval: 0 }, sampling: 5 } } }), [
      'mote.permissions.power.minWakeInterval: expected an integer from 1 to 604800000, got 0',
      'mote.permissions.power.maxHoldAwake: expected an integer from 0 to 86400000, got undefined',
      'mote.permissions.sampling: expected { "minInterval": <ms> }, got 5',
    ]);
  });
});
