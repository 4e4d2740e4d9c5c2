// `platform/mod-flash` in the simulator: the board's "mods" partition (docs/simulator.md).
import Flash from 'flash';
import type { FlashLike } from 'ota/slot-store';

export default harden({
  open(): FlashLike | undefined {
    return new Flash('mods') as unknown as FlashLike;
  },
});
