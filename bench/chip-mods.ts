// Mods the chip benchmark generates: numbered copies of the blink example (each on its own pins,
// so that every copy can start) and an Ed25519 verification mod carrying the device's own
// verifier (modules/ota/ed25519.ts, as the firmware compiles it) with a fixed signature.
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../simulator/module-map.ts';
import { publicKeyBytes } from '../tools/ota/node-crypto.ts';

const root = mkdtempSync(join(tmpdir(), 'mote-chip-mods-'));

function writeMod(id: string, permissions: object, modules: Record<string, string>): string {
  const dir = join(root, id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ modules: { '*': Object.keys(modules).map((name) => `./${name}`) }, mote: { id, version: '1.0.0', entry: 'main', permissions } }));
  for (const [name, source] of Object.entries(modules)) writeFileSync(join(dir, `${name}.ts`), source);
  return dir;
}

/** The Pico W header pins blink copies may use, two per copy (LED, button). */
const PINS = [0, 1, 2, 3, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 26, 27, 28];
export const MAX_BLINK_COPIES = PINS.length / 2;

/** Copy `n` (0-based) of mods/blink, id `blink-<n>`, its LED and button moved to pins of its own. */
export function blinkCopy(n: number): string {
  if (n >= MAX_BLINK_COPIES) throw new RangeError(`at most ${MAX_BLINK_COPIES} blink copies have pins of their own`);
  const [led, button] = [PINS[2 * n], PINS[2 * n + 1]];
  const source = readFileSync(join(PROJECT_ROOT, 'mods/blink/main.ts'), 'utf8')
    .replace('const LED_PIN = 2;', `const LED_PIN = ${led};`)
    .replace('const BUTTON_PIN = 0;', `const BUTTON_PIN = ${button};`);
  if (!source.includes(`LED_PIN = ${led};`) || !source.includes(`BUTTON_PIN = ${button};`)) throw new Error('mods/blink/main.ts no longer declares LED_PIN = 2 and BUTTON_PIN = 0');
  return writeMod(`blink-${n}`, { digital: [{ pin: led, mode: 'output' }, { pin: button, mode: 'input' }], timers: { max: 1, minInterval: 100 } }, { main: source });
}

/** The TMP102 addresses of the bench board (bench/chip-run.ts): A0 to GND and to V+ (TMP102 datasheet SBOS397F, Table 4). */
export const TMP102_ADDRESSES = [0x48, 0x49];

/** Copy `n` (0-based) of mods/thermometer, id `thermometer-<n>`, reading the TMP102 at TMP102_ADDRESSES[n] (both modules, as the mod ships). */
export function thermometerCopy(n: number): string {
  const address = TMP102_ADDRESSES[n];
  if (address === undefined) throw new RangeError(`the bench board has ${TMP102_ADDRESSES.length} TMP102s`);
  const from = join(PROJECT_ROOT, 'mods/thermometer');
  const main = readFileSync(join(from, 'main.ts'), 'utf8').replace('const ADDRESS = 0x48;', `const ADDRESS = 0x${address.toString(16)};`);
  if (!main.includes(`ADDRESS = 0x${address.toString(16)};`)) throw new Error('mods/thermometer/main.ts no longer declares ADDRESS = 0x48');
  const { mote } = JSON.parse(readFileSync(join(from, 'manifest.json'), 'utf8')) as { mote: { permissions: { i2c: { bus: number; address: number }[] } } };
  const permissions = { ...mote.permissions, i2c: [{ bus: 0, address }] };
  return writeMod(`thermometer-${n}`, permissions, { main, tmp102: readFileSync(join(from, 'tmp102.ts'), 'utf8') });
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/**
 * A mod that verifies one Ed25519 signature with the device's verifier and traces `verify
 * start` / `verify end true` around it, after an empty pair of marks (the cost of one trace).
 * A mod cannot reach the board's SHA-512, so the digest the verifier asks for,
 * SHA-512(R ‖ A ‖ M), is computed here and handed back: the figure is the curve arithmetic
 * (decompression, double scalar multiplication, encoding), which is nearly all of it.
 */
export function ed25519Mod(): string {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const message = createHash('sha256').update('mote chip benchmark').digest();
  const signature = sign(null, message, privateKey);
  const publicBytes = publicKeyBytes(publicKey);
  const digest = createHash('sha512').update(signature.subarray(0, 32)).update(publicBytes).update(message).digest();
  const verifier = readFileSync(join(PROJECT_ROOT, 'modules/ota/ed25519.ts'), 'utf8').replace('from "ota/bytes"', 'from "./bytes"');
  const bytes = readFileSync(join(PROJECT_ROOT, 'modules/ota/bytes.ts'), 'utf8');
  if (/from "(?!\.\/)/.test(verifier) || /^import /m.test(bytes)) throw new Error('modules/ota/ed25519.ts or bytes.ts gained an import the benchmark mod does not carry');
  const main = `import { verifyEd25519 } from "./ed25519";
const bytes = (text: string) => Uint8Array.from((text.match(/../g) ?? []).map((pair) => parseInt(pair, 16)));
const PUBLIC_KEY = bytes("${hex(publicBytes)}");
const MESSAGE = bytes("${hex(message)}");
const SIGNATURE = bytes("${hex(signature)}");
const DIGEST = bytes("${hex(digest)}");
const sha512 = () => ({ write(_bytes: Uint8Array) {}, close: () => DIGEST.slice() });
export default {
  onStart() {
    trace("mark\\n");
    trace("mark\\n");
    trace("verify start\\n");
    const ok = verifyEd25519(PUBLIC_KEY, MESSAGE, SIGNATURE, sha512);
    trace(\`verify end \${ok}\\n\`);
  },
};
`;
  return writeMod('ed25519-bench', {}, { main, ed25519: verifier, bytes });
}

/** A mod with no permissions and no imports that traces one line at start: the runtime's own cost per mod. */
export function bareMod(): string {
  return writeMod('bare', {}, { main: 'export default { onStart() { trace("started\\n"); } };\n' });
}

export const DIGITAL_WRITES = 500;

/** A mod that writes its granted pin 2 `DIGITAL_WRITES` times between two trace lines, after an empty pair of marks. */
export function digitalWriteMod(): string {
  const main = `export default {
  onStart() {
    const pin = new device.io.Digital({ pin: 2, mode: device.io.Digital.Output });
    trace("mark\\n");
    trace("mark\\n");
    trace("writes start\\n");
    for (let i = 0; i < ${DIGITAL_WRITES}; i++) pin.write(i & 1);
    trace("writes end\\n");
  },
};
`;
  return writeMod('digital-bench', { digital: [{ pin: 2, mode: 'output' }] }, { main });
}

/**
 * A hostile mod granted only a timer that makes denials in a loop, each with another text (an I2C
 * address it was not granted, 8 to 119, every second): what it costs the host is its audit entries.
 */
export function denialLoopMod(): string {
  return writeMod('denial-loop', { timers: { max: 1, minInterval: 1000 } }, {
    main: `import Timer from "mote/timer";
function deny(): void { for (let address = 8; address < 120; address++) { try { new device.io.I2C({ port: 0, address }); } catch {} } }
export default { onStart() { deny(); Timer.repeat(deny, 1000); } };
`,
  });
}
