// `mote claim CODE` binds a provisioned device to a fleet by the claim code it announces (the
// console shows it with its QR code; docs/identity.md). `mote alerts` lists the fleet's identity
// alerts: devices whose id was presented by a second device while online (a clone, refused).
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { connectBroker, OPERATOR_BROKER_OPTIONS } from '../mqtt-connect.ts';
import { CLONE_ALERT_PREFIX, type CloneAlert } from '../identity/aedes-guard.ts';
import { defaultRegistryFile, IdentityRegistry } from '../identity/registry.ts';
import { claimDevice } from '../identity/service.ts';
import { subscribeRetained } from '../retained-snapshot.ts';

const usage = (message: string) => Object.assign(new Error(message), { code: 'ERR_PARSE_ARGS_USAGE' });

export async function claimCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...OPERATOR_BROKER_OPTIONS, fleet: { type: 'string', default: 'default' }, registry: { type: 'string' } } });
  if (positionals.length !== 1) throw usage('mote claim needs one claim code, e.g. mote claim K7QX-M2PA');
  const registry = new IdentityRegistry(resolve(values.registry ?? defaultRegistryFile()));
  // The code is checked against the registry before anything goes on the wire.
  if (!registry.devices().length) throw new Error(`the identity registry ${registry.file} has no devices; provision one first (mote provision)`);
  const client = await connectBroker(values);
  try {
    const id = await claimDevice(client, registry, positionals[0], values.fleet);
    process.stdout.write(`claimed ${id} for fleet "${values.fleet}"\n`);
  } finally {
    await client.endAsync();
  }
  return 0;
}

/** The retained clone alerts on the broker (all of them: tools/retained-snapshot.ts). */
export async function readCloneAlerts(client: Awaited<ReturnType<typeof connectBroker>>, settleMs = 500): Promise<CloneAlert[]> {
  const alerts: CloneAlert[] = [];
  const handler = (topic: string, payload: Buffer) => {
    if (!topic.startsWith(CLONE_ALERT_PREFIX) || !payload.length) return;
    try {
      alerts.push(JSON.parse(payload.toString()) as CloneAlert);
    } catch {
      // not ours
    }
  };
  client.on('message', handler);
  await subscribeRetained(client, `${CLONE_ALERT_PREFIX}+/clone`, { quietMs: settleMs });
  client.off('message', handler);
  return alerts;
}

export async function alertsCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { ...OPERATOR_BROKER_OPTIONS, clear: { type: 'string' }, json: { type: 'boolean', default: false } } });
  const client = await connectBroker(values);
  try {
    if (values.clear) {
      await client.publishAsync(`${CLONE_ALERT_PREFIX}${values.clear}/clone`, '', { qos: 1, retain: true });
      process.stdout.write(`cleared the clone alert of ${values.clear}\n`);
      return 0;
    }
    const alerts = await readCloneAlerts(client);
    if (values.json) process.stdout.write(`${JSON.stringify(alerts, null, 2)}\n`);
    else if (!alerts.length) process.stdout.write('no identity alerts\n');
    else {
      for (const alert of alerts) {
        process.stdout.write(`CLONE ${alert.id} at ${new Date(alert.ts).toISOString()}: ${alert.reason} (online from ${alert.online.address || '?'}, refused ${alert.refused.address || '?'})\n`);
      }
      process.stdout.write('A device with a clone may be compromised: rotate its login (mote rotate ID), then clear the alert (mote alerts --clear ID)\n');
    }
    return alerts.length && !values.json ? 1 : 0;
  } finally {
    await client.endAsync();
  }
}
