// Moddable's `crypt` module (modules/crypt/digest in the Moddable SDK): only the Digest class,
// which host/platform/crypto uses. Not in @moddable/typings 5.6.0; the Moddable SDK (8.x) has its
// own typings/crypt.d.ts, so manifest.json does not list this file for mcconfig.
declare module "crypt" {
  export class Digest {
    constructor(algorithm: "MD5" | "SHA1" | "SHA224" | "SHA256" | "SHA384" | "SHA512");
    write(data: ArrayBuffer | ArrayBufferView | string): void;
    close(): ArrayBuffer;
    reset(): void;
  }
}
