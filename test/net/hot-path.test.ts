// The shortcuts the telemetry path takes for every message (npm run bench -- net) answer exactly
// as the plain definitions they replaced: a topic grant's kept resolutions, the owner of a topic
// found by scanning, and a body's change from the previous one found four bytes at a time.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TopicError, TopicGrant } from '../../modules/net/topic-grant.ts';
import { ownerOf } from '../../modules/net/outbox-types.ts';
import { applyChange, encodeChange } from '../../modules/net/outbox-record.ts';

/** The split-based definition ownerOf had. */
function ownerBySplit(topic: string): string {
  const levels = topic.split('/');
  return levels.length > 4 && (levels[3] === 'telemetry' || levels[3] === 'cmd-ack' || levels[3] === 'reported') ? levels[4] : 'host';
}

/** The byte-at-a-time definition of the change encoding. */
function changeByBytes(body: Uint8Array, previous: Uint8Array | undefined) {
  if (!previous) return { prefix: 0, suffix: 0, middle: body };
  const limit = Math.min(body.length, previous.length, 255);
  let prefix = 0;
  while (prefix < limit && body[prefix] === previous[prefix]) prefix++;
  let suffix = 0;
  const suffixLimit = Math.min(body.length - prefix, previous.length - prefix, 255);
  while (suffix < suffixLimit && body[body.length - 1 - suffix] === previous[previous.length - 1 - suffix]) suffix++;
  if (prefix + suffix <= 2) return { prefix: 0, suffix: 0, middle: body };
  return { prefix, suffix, middle: body.subarray(prefix, body.length - suffix) };
}

const level = fc.constantFrom('telemetry', 'cmd-ack', 'reported', 'state', 'cmd', '', 'mod', 'a+b', 'x');

describe('the telemetry hot path answers as the plain definitions', () => {
  it('a topic grant answers a topic again as the first time, refuses a refused one every time, and rotating past the 16 it keeps changes nothing', () => {
    const grant = new TopicGrant('dev1', 'climate', { publish: ['telemetry/#', 'reported'], subscribe: ['cmd/#'] });
    const fresh = () => new TopicGrant('dev1', 'climate', { publish: ['telemetry/#', 'reported'], subscribe: ['cmd/#'] });
    const topics = Array.from({ length: 40 }, (_, i) => `telemetry/t${i % 20}`);
    for (const topic of [...topics, ...topics.reverse()]) assert.equal(grant.resolve('publish', topic), fresh().resolve('publish', topic));
    assert.equal(grant.resolve('publish', 'reported'), 'mote/v1/dev1/reported/climate');
    for (let i = 0; i < 3; i++) assert.throws(() => grant.resolve('publish', 'cmd/x'), TopicError);
    for (let i = 0; i < 3; i++) assert.throws(() => grant.resolve('publish', 'telemetry/a//b'), TopicError);
    // A publish topic kept is no subscribe filter: directions stay apart.
    grant.resolve('publish', 'telemetry/t1');
    assert.throws(() => grant.resolve('subscribe', 'telemetry/t1'), TopicError);
    const long = `telemetry/${'x'.repeat(100)}`;
    assert.equal(grant.resolve('publish', long), `mote/v1/dev1/telemetry/climate/${'x'.repeat(100)}`);
  });

  it('ownerOf scans a topic as splitting it did', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(level, fc.string({ maxLength: 4 })), { maxLength: 8 }), (levels) => {
        const topic = levels.join('/');
        assert.equal(ownerOf(topic), ownerBySplit(topic), topic);
      }),
      { numRuns: 3000 },
    );
  });

  it('encodeChange finds the same change as comparing a byte at a time, and applyChange undoes it', () => {
    const bytes = fc.uint8Array({ maxLength: 600 });
    fc.assert(
      fc.property(bytes, bytes, fc.nat(600), fc.nat(7), (body, other, cut, offset) => {
        // A previous body sharing a start and an end with this one, seen through an offset view.
        const shared = Uint8Array.from([...body.subarray(0, cut), ...other, ...body.subarray(cut)]);
        const backing = new Uint8Array(shared.length + 8);
        backing.set(shared, offset);
        const previous = backing.subarray(offset, offset + shared.length);
        for (const [a, b] of [[body, previous], [previous, body], [body, other]] as const) {
          const change = encodeChange(a, b);
          const expected = changeByBytes(a, b);
          assert.deepEqual([change.prefix, change.suffix, [...change.middle]], [expected.prefix, expected.suffix, [...expected.middle]]);
          if (change.prefix + change.suffix > 0) assert.deepEqual([...applyChange(b, change.prefix, change.suffix, change.middle)], [...a]);
        }
        assert.equal(encodeChange(body, undefined).middle, body);
      }),
      { numRuns: 2000 },
    );
  });
});
