// host/harden: the board's `harden` (Moddable's device XS has none; the simulator's xsnap does).
// It must freeze what SES's harden freezes, or a mod could change a facet the host handed it.
import assert from 'node:assert/strict';
import { makeHarden } from '../../host/harden.ts';

describe('host/harden (the board has no engine harden)', () => {
  it('freezes the value and everything reachable through properties, accessors and prototypes', () => {
    const harden = makeHarden();
    const getter = () => 1;
    class Base {
      method() {}
    }
    class Facet extends Base {}
    const inner = { list: [1, { deep: true }] };
    const root: Record<string, unknown> = { inner, Facet, instance: new Facet() };
    Object.defineProperty(root, 'computed', { get: getter, enumerable: true });
    root.self = root; // cycles end
    assert.equal(harden(root), root);
    for (const object of [root, inner, inner.list, inner.list[1] as object, Facet, Facet.prototype, Base, Base.prototype, Base.prototype.method, getter, root.instance as object]) {
      assert.ok(Object.isFrozen(object), `${String(object)} is frozen`);
    }
    assert.throws(() => {
      'use strict';
      (inner.list[1] as { deep: boolean }).deep = false;
    }, TypeError);
  });

  it('leaves primitives alone and does not walk frozen prototypes again', () => {
    const harden = makeHarden();
    assert.equal(harden(5), 5);
    assert.equal(harden(null), null);
    const unfrozenProto = { shared: {} };
    const frozenProto = Object.freeze({ open: {} });
    harden(Object.create(frozenProto));
    assert.ok(!Object.isFrozen(frozenProto.open), 'a frozen prototype is taken as hardened (the preloaded built-ins)');
    harden(Object.create(unfrozenProto));
    assert.ok(Object.isFrozen(unfrozenProto.shared));
  });
});
