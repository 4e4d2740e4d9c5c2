import assert from 'node:assert/strict';
import { covers, TopicGrant, TopicError, topicMatches } from '../../modules/net/topic-grant.ts';

const grant = (spec: Partial<{ publish: string[]; subscribe: string[]; absolute: { publish?: string[]; subscribe?: string[] } }>) =>
  new TopicGrant('dev1', 'climate', { publish: [], subscribe: [], ...spec });

describe('topic grants (modules/net/topic-grant)', () => {
  it('maps relative topics into the mod namespace', () => {
    const g = grant({ publish: ['telemetry/#', 'reported'], subscribe: ['cmd/#', 'desired'] });
    assert.equal(g.resolve('publish', 'telemetry/temperature'), 'mote/v1/dev1/telemetry/climate/temperature');
    assert.equal(g.resolve('publish', 'telemetry/a/b'), 'mote/v1/dev1/telemetry/climate/a/b');
    assert.equal(g.resolve('publish', 'reported'), 'mote/v1/dev1/reported/climate');
    assert.equal(g.resolve('subscribe', 'cmd/+'), 'mote/v1/dev1/cmd/climate/+');
    assert.equal(g.resolve('subscribe', 'cmd/#'), 'mote/v1/dev1/cmd/climate/#');
    assert.equal(g.resolve('subscribe', 'desired'), 'mote/v1/dev1/desired/climate');
    assert.equal(g.relativeOf('mote/v1/dev1/cmd/climate/led'), 'cmd/led');
    assert.equal(g.relativeOf('mote/v1/dev1/cmd/other/led'), undefined);
  });

  it('a filter must be entirely within a grant', () => {
    const g = grant({ publish: ['telemetry/temp'], subscribe: ['cmd/+'] });
    assert.equal(g.resolve('subscribe', 'cmd/led'), 'mote/v1/dev1/cmd/climate/led');
    assert.throws(() => g.resolve('subscribe', 'cmd/#'), /not granted/);
    assert.throws(() => g.resolve('subscribe', 'cmd/led/x'), /not granted/);
    assert.throws(() => g.resolve('publish', 'telemetry/humidity'), /not granted.*telemetry\/temp/);
    assert.equal(covers(['a', '#'], ['a']), true);
    assert.equal(covers(['a', '+'], ['a', '#']), false);
    assert.equal(covers(['a', '+'], ['a', '+']), true);
    assert.equal(covers(['+'], ['a', 'b']), false);
  });

  it('wildcards never widen beyond the namespace: no wildcard channel, no other mod, no $SYS', () => {
    assert.throws(() => grant({ publish: ['#'] }), /must start with one of the publish channels/);
    assert.throws(() => grant({ subscribe: ['+/climate'] }), TopicError);
    assert.throws(() => grant({ subscribe: ['$SYS/#'] }), TopicError);
    const g = grant({ publish: ['telemetry/#'], subscribe: ['cmd/#'] });
    assert.throws(() => g.resolve('subscribe', '#'), /channel/);
    assert.throws(() => g.resolve('subscribe', '+/#'), /channel/);
    assert.throws(() => g.resolve('publish', '../other/x'), /"\.\." level/);
    assert.throws(() => g.resolve('publish', 'telemetry/../../../other'), /"\.\." level/);
    assert.throws(() => g.resolve('publish', 'telemetry/./x'), /"\." level/);
    assert.throws(() => g.resolve('publish', 'telemetry/+'), /wildcard/);
    assert.throws(() => g.resolve('publish', 'telemetry/a#'), /wildcard/);
    assert.throws(() => g.resolve('subscribe', 'cmd/#/x'), /last level/);
    assert.throws(() => g.resolve('publish', 'telemetry//x'), /empty level/);
    assert.throws(() => g.resolve('publish', 'telemetry'), /needs a name/);
    assert.throws(() => g.resolve('publish', 'telemetry/a\u0000b'), /NUL/);
    assert.throws(() => g.resolve('publish', `telemetry/${'x'.repeat(300)}`), /1-256/);
    assert.throws(() => g.resolve('subscribe', 'telemetry/x'), /subscribe channels/);
    // Whatever is granted, the mapped topic stays under the mod's own prefix.
    for (const topic of ['telemetry/x', 'telemetry/+/..', 'telemetry/climate/../../other']) {
      try {
        assert.ok(g.resolve('publish', topic).startsWith('mote/v1/dev1/telemetry/climate/'));
      } catch (error) {
        assert.ok(error instanceof TopicError);
      }
    }
  });

  it('absolute topics only when granted by name; never $… or mote/…', () => {
    const g = grant({ absolute: { publish: ['homeassistant/sensor/mote_{deviceId}/+/config'], subscribe: ['homeassistant/status'] } });
    assert.equal(g.resolveAbsolute('publish', 'homeassistant/sensor/mote_dev1/temp/config'), 'homeassistant/sensor/mote_dev1/temp/config');
    assert.throws(() => g.resolveAbsolute('publish', 'homeassistant/sensor/mote_dev2/temp/config'), /not granted/);
    assert.equal(g.resolveAbsolute('subscribe', 'homeassistant/status'), 'homeassistant/status');
    assert.throws(() => g.resolveAbsolute('subscribe', 'homeassistant/#'), /not granted/);
    assert.throws(() => grant({ absolute: { subscribe: ['#'] } }), /name its first level/);
    assert.throws(() => grant({ absolute: { subscribe: ['$SYS/broker/#'] } }), /belong to the broker/);
    assert.throws(() => grant({ absolute: { publish: ['mote/v1/dev2/cmd/x/y'] } }), /belong to devices and mods/);
    assert.throws(() => g.resolveAbsolute('publish', 'mote/v1/dev1/state'), /belong to devices/);
  });

  it('matches topics as MQTT does ($ topics not by leading wildcards)', () => {
    assert.equal(topicMatches('a/+/c', 'a/b/c'), true);
    assert.equal(topicMatches('a/#', 'a'), true);
    assert.equal(topicMatches('#', '$SYS/x'), false);
    assert.equal(topicMatches('a/+', 'a/b/c'), false);
  });
});
