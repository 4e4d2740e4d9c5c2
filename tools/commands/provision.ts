// `mote provision` and `mote rotate` (docs/identity.md): give a device its id, its own broker
// login, the broker and the keys it trusts, in a factory image or a simulated device's folder;
// later replace its password and keys over MQTT without re-flashing. The login is issued by the
// fleet's identity registry, which keeps only hashes. Nothing is written on error.
import { createPublicKey } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import mqtt from 'mqtt';
import { publicKeyBytes, readPrivateKey, readPublicKey } from '../ota/node-crypto.ts';
import { buildPackage } from '../ota/package-build.ts';
import { buildFactoryImage } from '../firmware/image.ts';
import { firmwareFile } from '../firmware/image-command.ts';
import { defaultBroker } from '../mqtt-connect.ts';
import { parseDuration } from '../duration.ts';
import { writeMosquittoAuth } from '../identity/mosquitto.ts';
import { checkProvisioning, provisionInto, storedDevice } from '../identity/provision.ts';
import { defaultRegistryFile, IdentityError, IdentityRegistry, type IssuedLogin } from '../identity/registry.ts';
import { rotateDevice, watchRotations, type RotationAck } from '../identity/service.ts';
import { firmwareBoardName } from '../firmware/board-name.ts';
import { readPolicyFile } from '../policy-file.ts';

const usage = (message: string) => Object.assign(new Error(message), { code: 'ERR_PARSE_ARGS_USAGE' });

function trustedKeys(values: { trust: string[]; key?: string }): Uint8Array[] {
  const keys = values.trust.map((file) => readPublicKey(file.length === 64 ? file : resolve(file)));
  if (!keys.length && values.key) keys.push(publicKeyBytes(createPublicKey(readPrivateKey(resolve(values.key)))));
  return keys;
}

/** After a registry change: Mosquitto's passwords and ACL files, when the fleet runs one (`--mosquitto DIR`). */
function syncMosquitto(registry: IdentityRegistry, dir: string | undefined): string {
  if (!dir) return '';
  const files = writeMosquittoAuth(registry, resolve(dir));
  return `wrote ${files.passwords} and ${files.acl}; reload Mosquitto (kill -HUP its pid) to use them\n`;
}

export function provisionCommand(args: string[]): number {
  const { values } = parseArgs({
    args,
    options: {
      id: { type: 'string' }, broker: { type: 'string' }, trust: { type: 'string', multiple: true, default: [] }, key: { type: 'string' },
      registry: { type: 'string' }, replace: { type: 'boolean', default: false }, 'device-dir': { type: 'string' },
      image: { type: 'string' }, board: { type: 'string' }, firmware: { type: 'string' }, mod: { type: 'string', multiple: true, default: [] },
      policy: { type: 'string' }, operator: { type: 'string' }, mosquitto: { type: 'string' },
    },
  });
  if (values.board) values.board = firmwareBoardName(values.board); // pico-w is taken for pico_w
  const registry = new IdentityRegistry(resolve(values.registry ?? defaultRegistryFile()));
  if (values.operator) {
    const login = registry.addOperator(values.operator);
    process.stdout.write(`operator ${login.user}: password ${login.password}\n(shown once; give it to the CLI and console with --username ${login.user} --password …)\n${syncMosquitto(registry, values.mosquitto)}`);
    return 0;
  }
  if (!values.id) throw usage('mote provision needs --id ID (the device\'s unique id: its MQTT client id and topic level)');
  if (!values.broker) throw usage('mote provision needs --broker URL (mqtt://host:1883, mqtts://host:8883, or several nodes separated by commas)');
  if (!values['device-dir'] === !values.image) throw usage('mote provision writes into one place: --device-dir DIR (a simulated device) or --image FILE --board pico|pico_w (a factory image)');
  if (values.image && !values.board) throw usage('mote provision --image needs --board pico (or pico_w)');
  const trusted = trustedKeys(values);
  const address = checkProvisioning(values.broker, trusted);
  // Read before the registry issues a login: a malformed policy file writes nothing.
  const policy = values.policy === undefined ? undefined : readPolicyFile('--policy', values.policy).policy;
  let where: string;
  const issued: IssuedLogin = registry.provision(values.id, { replace: values.replace }, (login) => {
    if (values['device-dir']) {
      const dir = resolve(values['device-dir']);
      provisionInto(storedDevice(dir), { login, broker: values.broker!, trusted });
      where = `${dir}/preferences.json`;
      return;
    }
    const key = values.key ? readPrivateKey(resolve(values.key)) : undefined;
    const packages = values.mod.map((given) => {
      const path = resolve(given);
      if (!existsSync(path)) throw new Error(`--mod ${given}: no such folder or package file`);
      return { bytes: statSync(path).isDirectory() ? buildPackage(path, { key }) : new Uint8Array(readFileSync(path)), name: given };
    });
    const image = buildFactoryImage({
      board: values.board!,
      firmware: new Uint8Array(readFileSync(firmwareFile(values.board!, values.firmware))),
      packages,
      trusted: trusted.map((publicKey, index) => ({ publicKey, name: values.trust[index] ?? values.key })),
      deviceId: login.id,
      broker: { host: address.host, port: address.port, secure: address.secure, user: login.user, password: login.password },
      claimCode: login.claimCode,
      ...(policy ? { policy } : {}),
    });
    const base = resolve(values.image!).replace(/\.(uf2|bin)$/, '');
    writeFileSync(`${base}.uf2`, image.uf2);
    writeFileSync(`${base}.bin`, image.raw);
    where = `${base}.uf2 and ${base}.bin (${image.mods.length} mod(s))`;
  });
  process.stdout.write(
    `provisioned ${issued.id}: its own broker login, ${address.host}:${address.port}, ${trusted.length} trusted key(s), written to ${where!}\n` +
      `claim code ${issued.claimCode} (the device announces it; the console shows it with its QR code; \`mote claim ${issued.claimCode}\` binds the device to your fleet)\n` +
      `registry: ${registry.file}\n${syncMosquitto(registry, values.mosquitto)}`,
  );
  return 0;
}

function pendingSerial(registry: IdentityRegistry, id: string): number {
  const pending = registry.device(id)!.credentials[1];
  if (!pending) throw new IdentityError(`device "${id}" has no rotation waiting for its ack`);
  return pending.serial;
}

export async function rotateCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      trust: { type: 'string', multiple: true, default: [] }, key: { type: 'string' }, registry: { type: 'string' },
      broker: { type: 'string' }, username: { type: 'string' }, password: { type: 'string' }, timeout: { type: 'string', default: '2m' },
      mosquitto: { type: 'string' }, watch: { type: 'boolean', default: false },
    },
  });
  const ids = positionals;
  if (!ids.length) throw usage('mote rotate needs the device id(s): mote rotate ID... [--trust NEWPUB... --key CURRENTKEY]');
  if (values.trust.length && !values.key) throw usage('new trusted keys (--trust) must be signed with a key the devices trust now: pass --key KEYFILE');
  const timeoutMs = parseDuration(values.timeout);
  const registry = new IdentityRegistry(resolve(values.registry ?? defaultRegistryFile()));
  const keys = values.trust.length ? { trust: values.trust.map((file) => readPublicKey(file.length === 64 ? file : resolve(file))), signer: readPrivateKey(resolve(values.key!)) } : undefined;
  for (const id of ids) if (!registry.device(id)) throw new IdentityError(`device "${id}" is not in the identity registry ${registry.file}; provision it first (mote provision --id ${id})`);
  // A persistent session: an ack sent while this command is away waits for its next run.
  const client = await mqtt.connectAsync(values.broker ?? defaultBroker(), {
    clientId: 'mote-identity', clean: false, reconnectPeriod: 0, connectTimeout: 5000,
    ...(values.username !== undefined ? { username: values.username } : {}), ...(values.password !== undefined ? { password: values.password } : {}),
  });
  const acks = new Map<string, RotationAck>();
  const serials = new Map<string, number>();
  await watchRotations(client, registry, (ack) => {
    if (serials.get(ack.id) === ack.serial) acks.set(ack.id, ack);
  });
  try {
    // --watch: no new rotation; confirm the ones already sent as their devices ack them.
    for (const id of ids) serials.set(id, values.watch ? pendingSerial(registry, id) : await rotateDevice(client, registry, id, keys));
    process.stdout.write(syncMosquitto(registry, values.mosquitto));
    const deadline = Date.now() + timeoutMs;
    while (acks.size < ids.length && Date.now() < deadline) await new Promise((done) => setTimeout(done, 100));
  } finally {
    await client.endAsync();
  }
  let failed = false;
  for (const id of ids) {
    const ack = acks.get(id);
    if (!ack) process.stdout.write(`${id}: rotation ${serials.get(id)} waits for the device (asleep or offline); its old password works until it takes it at its next wake. Run \`mote rotate ${id} --watch\` later to confirm it\n`);
    else if (!ack.ok) (failed = true), process.stdout.write(`${id}: refused rotation ${ack.serial}: ${ack.error}\n`);
    else process.stdout.write(`${id}: rotation ${ack.serial} applied; its old password no longer works\n`);
  }
  process.stdout.write(syncMosquitto(registry, values.mosquitto));
  return failed ? 1 : acks.size < ids.length ? 3 : 0;
}
