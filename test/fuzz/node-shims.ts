// Lets device modules that import Moddable's `text/decoder` and `text/encoder` (the OTA transport,
// the outbox) load in Node for fuzzing: both are the standard TextDecoder/TextEncoder, which Node
// has. Imported before the targets; only these two specifiers are redirected.
import Module from 'node:module';
import { fileURLToPath } from 'node:url';

const shims: Record<string, string> = {
  'text/decoder': fileURLToPath(new URL('./shims/text-decoder.cjs', import.meta.url)),
  'text/encoder': fileURLToPath(new URL('./shims/text-encoder.cjs', import.meta.url)),
};
const loader = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
const resolve = loader._resolveFilename;
loader._resolveFilename = function (request: string, ...rest: unknown[]) {
  return shims[request] ?? resolve.call(this, request, ...rest);
};
