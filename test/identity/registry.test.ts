// The identity registry on its own: claim codes as people type them, rotation's two passwords
// until the ack, hashes only in the file, and a damaged file refused with what to do.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { IdentityError, IdentityRegistry, newClaimCode, normalizeClaimCode } from '../../tools/identity/registry.ts';
import { tempRegistry } from './helpers.ts';

describe('identity registry', () => {
  it('reads a claim code as people type it, and refuses what cannot be one', () => {
    assert.equal(normalizeClaimCode('k7qx m2pa'), 'K7QX-M2PA');
    assert.equal(normalizeClaimCode('K7QXM2PA'), 'K7QX-M2PA');
    assert.equal(normalizeClaimCode('k7qx-m2pO'), 'K7QX-M2P0'); // O is read as 0
    assert.equal(normalizeClaimCode('K7QX-M2P'), undefined);
    assert.equal(normalizeClaimCode('K7QX-M2PU'), undefined); // U is not in the alphabet
    for (let i = 0; i < 50; i++) {
      const code = newClaimCode();
      assert.match(code, /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
      assert.equal(normalizeClaimCode(code), code);
    }
  });

  it('keeps the old password next to the pending one until the ack, then only the new one', () => {
    const registry = tempRegistry();
    const first = registry.provision('dev-1');
    assert.equal(registry.checkDevice('dev-1', first.password), 'confirmed');
    const second = registry.rotate('dev-1');
    assert.equal(registry.checkDevice('dev-1', first.password), 'confirmed');
    assert.equal(registry.checkDevice('dev-1', second.password), 'pending');
    const third = registry.rotate('dev-1'); // a newer rotation replaces the pending one
    assert.equal(registry.checkDevice('dev-1', second.password), undefined);
    assert.equal(registry.confirm('dev-1', second.serial), false, 'an ack for a replaced rotation confirmed it');
    assert.equal(registry.confirm('dev-1', third.serial), true);
    assert.equal(registry.checkDevice('dev-1', first.password), undefined);
    assert.equal(registry.checkDevice('dev-1', third.password), 'confirmed');
    assert.equal(registry.checkDevice('dev-2', third.password), undefined);
    const text = readFileSync(registry.file, 'utf8');
    for (const secret of [first.password, second.password, third.password, first.claimCode!]) assert.ok(!text.includes(secret));
  });

  it('claims once per fleet, sees changes another process made, and refuses a damaged file', () => {
    const registry = tempRegistry();
    const login = registry.provision('dev-1');
    assert.throws(() => registry.claim('AAAA-AAAA', 'home'), /no provisioned device has claim code AAAA-AAAA/);
    assert.equal(registry.claim(login.claimCode!, 'home').id, 'dev-1');
    assert.equal(registry.claim(login.claimCode!, 'home').claimed!.fleet, 'home'); // again: the same fleet is fine
    assert.throws(() => registry.claim(login.claimCode!, 'other'), /already claimed by fleet "home"/);
    // Another process (mote provision) writes the same file: this instance sees it.
    new IdentityRegistry(registry.file).provision('dev-2');
    assert.ok(registry.device('dev-2'));
    assert.throws(() => registry.addOperator('dev-2'), /not a device id/);
    writeFileSync(registry.file, '{"v":1,"devices":');
    assert.throws(() => new IdentityRegistry(registry.file), (error: Error) => error instanceof IdentityError && /restore it from a backup/.test(error.message));
  });
});
