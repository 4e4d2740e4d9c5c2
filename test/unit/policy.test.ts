import assert from 'node:assert/strict';
import { validateManifest } from '../../modules/permissions/manifest.ts';
import { checkPolicy, DEFAULT_POLICY, describeGrants, validatePolicy } from '../../modules/permissions/policy.ts';
import { filterCovers, topicMatches } from '../../modules/permissions/mqtt-filter.ts';

const manifest = (id: string, permissions: object) => validateManifest({ mote: { id, version: '1.0.0', permissions } }, ['main']);

const owner = validatePolicy({
  rules: [
    { allow: { digital: [{ pin: 2, mode: 'output' }], timers: { max: 2, minInterval: 100 }, mqtt: { publish: ['telemetry/#'], subscribe: '*' }, storage: { bytes: 1024 } } },
    { mods: ['climate'], allow: { i2c: [{ bus: 0, address: 72 }], storage: { bytes: 8192 }, mqtt: { absolute: { publish: ['mote/v1/+/alerts'] } } } },
    { signers: ['k-acme'], allow: { digital: '*', power: { minWakeInterval: 60000, maxHoldAwake: 10000 } } },
  ],
});

describe('owner policy', () => {
  it('allows a request within the rules that apply to the mod', () => {
    assert.deepEqual(checkPolicy(owner, manifest('climate', {
      digital: [{ pin: 2, mode: 'output' }], i2c: [{ bus: 0, address: 72 }], storage: { bytes: 4096 },
      mqtt: { publish: ['telemetry/temp'], subscribe: ['cmd/#'], absolute: { publish: ['mote/v1/dev-1/alerts'] } },
    })), []);
  });

  it('names each refused permission', () => {
    assert.deepEqual(checkPolicy(owner, manifest('other', {
      digital: [{ pin: 2, mode: 'output' }, { pin: 5, mode: 'output' }, { pin: 4, mode: 'input' }],
      i2c: [{ bus: 0, address: 72 }],
      storage: { bytes: 4096 },
      timers: { max: 2, minInterval: 50 },
      mqtt: { publish: ['telemetry/x', 'status', 'telemetry/+/#'], absolute: { subscribe: ['mote/v1/dev-2/cmd/#'] } },
      power: { minWakeInterval: 1000, maxHoldAwake: 1000 },
      sampling: { minInterval: 100 },
    })), [
      'digital[1]: pin 5 (output)',
      'digital[2]: pin 4 (input)',
      'i2c[0]: bus 0 address 0x48',
      'mqtt.publish[1]: "status"',
      'mqtt.absolute.subscribe[0]: "mote/v1/dev-2/cmd/#" (absolute topics need the owner to allow them by name)',
      'storage: 4096 bytes',
      'timers: 2 timers, every 50 ms or slower',
      'power: wake every 1000 ms or slower, awake up to 1000 ms',
      'sampling: every 100 ms or slower',
    ]);
  });

  it('applies signer rules only to packages signed by that key', () => {
    const request = manifest('lamp', { digital: [{ pin: 9, mode: 'output' }], power: { minWakeInterval: 60000, maxHoldAwake: 5000 } });
    assert.deepEqual(checkPolicy(owner, request, 'k-acme'), []);
    assert.deepEqual(checkPolicy(owner, request, 'k-other'), ['digital[0]: pin 9 (output)', 'power: wake every 60000 ms or slower, awake up to 5000 ms']);
    assert.equal(checkPolicy(owner, request).length, 2);
  });

  it('by default allows everything but absolute topics', () => {
    assert.deepEqual(checkPolicy(DEFAULT_POLICY, manifest('any', { digital: [{ pin: 33, mode: 'input' }], storage: { bytes: 1048576 }, mqtt: { publish: ['#'] } })), []);
    assert.deepEqual(checkPolicy(DEFAULT_POLICY, manifest('abs', { mqtt: { absolute: { publish: ['x/y'] } } })), ['mqtt.absolute.publish[0]: "x/y" (absolute topics need the owner to allow them by name)']);
  });

  it('refuses a malformed policy naming each problem, and "*" for absolute topics', () => {
    assert.throws(() => validatePolicy({ rules: [{ allow: { wifi: true, mqtt: { absolute: { publish: '*' } } } }, { mods: 'x', allow: {} }] }), (error: Error) => {
      assert.match(error.message, /rules\[0\]\.allow\.wifi: unknown permission kind/);
      assert.match(error.message, /rules\[0\]\.allow\.mqtt\.absolute\.publish: expected an array of topic filters \(absolute topics are allowed by name, never "\*"\)/);
      assert.match(error.message, /rules\[1\]\.mods: expected an array of strings/);
      return true;
    });
    assert.throws(() => validatePolicy([]), /expected \{ "rules"/);
  });

  it('lists grants for the operator', () => {
    assert.deepEqual(describeGrants(manifest('gr', { digital: [{ pin: 2, mode: 'output' }], mqtt: { subscribe: ['cmd/#'] }, storage: { bytes: 10 } })), [
      'digital pin 2 (output)', 'mqtt subscribe "cmd/#"', 'storage 10 bytes',
    ]);
  });

  it('filter containment never lets a wildcard widen a grant', () => {
    assert.ok(filterCovers('telemetry/#', 'telemetry/a/b'));
    assert.ok(filterCovers('telemetry/+', 'telemetry/+'));
    assert.ok(filterCovers('#', 'a/#'));
    assert.ok(!filterCovers('telemetry/+', 'telemetry/#'));
    assert.ok(!filterCovers('telemetry/a', 'telemetry/+'));
    assert.ok(!filterCovers('telemetry/#', 'other'));
    assert.ok(!filterCovers('a/+', 'a/b/c'));
    assert.ok(topicMatches('a/+/c', 'a/b/c'));
    assert.ok(topicMatches('a/#', 'a'));
    assert.ok(!topicMatches('a/+', 'a/b/c'));
  });
});
