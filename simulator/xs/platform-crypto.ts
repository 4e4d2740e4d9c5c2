// `platform/crypto` in the simulator: SHA-2 digests computed by Node's crypto (the board build
// uses Moddable's native `crypt` Digest). A digest is a handle on the Node side.
import { toBytes } from 'sim/bytes';
import type { PlatformDigest } from 'platform/crypto';

export default harden({
  digest(algorithm: 'SHA256' | 'SHA512'): PlatformDigest {
    const handle: number = sim.ask({ op: 'crypto.digest.open', algorithm });
    let closed = false;
    return harden({
      write(bytes: ArrayBuffer | ArrayBufferView) {
        if (closed) throw new Error('digest: write after close');
        sim.ask({ op: 'crypto.digest.write', handle, bytes: toBytes(bytes, 'digest.write') });
      },
      close(): ArrayBuffer {
        if (closed) throw new Error('digest: closed twice');
        closed = true;
        return Uint8Array.from(sim.ask({ op: 'crypto.digest.close', handle }) as number[]).buffer;
      },
    });
  },
});
