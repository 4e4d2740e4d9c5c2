// `platform/crypto` on a Moddable board: SHA-2 from the SDK's native `crypt` Digest
// (modules/crypt/digest, C: kcl fips180). Ed25519 is not in the SDK; modules/ota/ed25519 does
// it in TypeScript on top of this SHA-512.
import { Digest } from "crypt";
import type { PlatformDigest } from "platform/crypto";

export default Object.freeze({
  digest(algorithm: "SHA256" | "SHA512"): PlatformDigest {
    const digest = new Digest(algorithm);
    return Object.freeze({
      // The native write takes any buffer or view (xsmcGetBufferReadable); the SDK's typings
      // say ArrayBuffer only, so no copy is made here, only the type widened.
      write: (bytes: ArrayBuffer | ArrayBufferView) => digest.write(bytes as ArrayBuffer),
      close: () => digest.close(),
    });
  },
});
