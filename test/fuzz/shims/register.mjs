// `npm run fuzz` runs as ES modules: this registers the ESM twin of node-shims.ts, so the device
// modules' `text/decoder` and `text/encoder` resolve to Node's TextDecoder/TextEncoder.
import { register } from 'node:module';

register('./loader.mjs', import.meta.url);
