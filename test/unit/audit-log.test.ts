// The audit log is bounded in entries and in bytes (modules/permissions/audit-log.ts): a mod cannot
// grow the host's memory by making denials, however long their texts.
import assert from 'node:assert/strict';
import { AUDIT_BYTES, AUDIT_CAPACITY, AuditLog, MAX_DETAIL } from '../../modules/permissions/audit-log.ts';

const textBytes = (log: AuditLog) => log.entries().reduce((sum, entry) => sum + entry.mod.length + entry.detail.length, 0);

describe('audit log bounds', () => {
  it('keeps at most AUDIT_CAPACITY entries (given room in bytes), oldest dropped first and counted', () => {
    const log = new AuditLog(AUDIT_CAPACITY, undefined, Infinity);
    for (let n = 0; n < AUDIT_CAPACITY + 10; n++) log.record('m', 'deny', `d${n}`);
    const entries = log.entries();
    assert.equal(entries.length, AUDIT_CAPACITY);
    assert.equal(entries[0].seq, 10);
    assert.equal(entries.at(-1)!.detail, `d${AUDIT_CAPACITY + 9}`);
    assert.equal(log.dropped, 10);
  });

  it('keeps long entries within AUDIT_BYTES: fewer of them, the newest always kept', () => {
    const log = new AuditLog();
    const long = 'x'.repeat(300);
    for (let n = 0; n < 500; n++) log.record('denial-loop', 'deny', `${n} ${long}`);
    const entries = log.entries();
    assert.ok(textBytes(log) + 96 * entries.length <= AUDIT_BYTES, `${entries.length} entries, ${textBytes(log)} B of text`);
    assert.ok(entries.length >= 16 && entries.length < AUDIT_CAPACITY, `${entries.length} entries kept`);
    assert.equal(entries.at(-1)!.seq, 499);
    assert.equal(log.dropped, 500 - entries.length);
    assert.deepEqual(entries.map((entry) => entry.seq), entries.map((_, i) => 500 - entries.length + i), 'contiguous, oldest first');
  });

  it('clips a detail longer than MAX_DETAIL and says how much it left out', () => {
    const log = new AuditLog();
    log.record('m', 'deny', 'y'.repeat(MAX_DETAIL + 1000));
    const [entry] = log.entries();
    assert.equal(entry.detail, `${'y'.repeat(MAX_DETAIL)}… (1000 more characters)`);
  });

  it('counts a non-ASCII text in UTF-8, as XS keeps it: denials quoting a CJK topic stay within AUDIT_BYTES', () => {
    const log = new AuditLog();
    const topic = '温度'.repeat(60);
    for (let n = 0; n < 200; n++) log.record('denial-loop', 'deny', `mqtt: publish topic "${topic}${n}" is not granted to this mod; add "${topic}${n}" to mote.permissions.mqtt.publish`);
    const entries = log.entries();
    const bytes = entries.reduce((sum, entry) => sum + 96 + Buffer.byteLength(entry.mod) + Buffer.byteLength(entry.detail), 0);
    assert.ok(bytes <= AUDIT_BYTES, `${entries.length} entries take ${bytes} B`);
    assert.equal(entries.at(-1)!.seq, 199);
  });

  it('clips before a surrogate pair rather than between its halves', () => {
    const log = new AuditLog();
    log.record('m', 'deny', `a${'😀'.repeat(200)}`);
    assert.equal(log.entries()[0].detail, `a${'😀'.repeat(159)}… (82 more characters)`);
  });
});
