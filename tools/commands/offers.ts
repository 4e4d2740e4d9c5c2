// `mote offers [--device ID] [--clear]`: the retained offers (and their chunks) waiting on the
// broker for devices (docs/ota.md). An install to a device that never came, or a typo made before
// the id check existed, leaves them behind; `--clear` withdraws them.
import { parseArgs } from 'node:util';
import { connectBroker, OPERATOR_BROKER_OPTIONS } from '../mqtt-connect.ts';
import { clearRetained, readOffer } from '../ota/operator.ts';
import { subscribeRetained } from '../retained-snapshot.ts';

const OFFER = /^mote\/v1\/([^/]+)\/ota\/offer$/;
const CHUNK = /^mote\/v1\/([^/]+)\/ota\/chunk\/([^/]+)\/\d+$/;
/** Retained messages arrive right after subscribing; this long a silence means we have them all. */
const SETTLE_MS = 500;

interface Waiting { device: string; offer: Record<string, unknown> | undefined; chunkTopics: string[] }

export async function offersCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { ...OPERATOR_BROKER_OPTIONS, device: { type: 'string' }, clear: { type: 'boolean', default: false } } });
  const client = await connectBroker(values);
  try {
    const waiting = new Map<string, Waiting>();
    const entry = (device: string) => waiting.get(device) ?? waiting.set(device, { device, offer: undefined, chunkTopics: [] }).get(device)!;
    client.on('message', (topic, payload, packet) => {
      if (!packet.retain || !payload.length) return;
      const offer = OFFER.exec(topic);
      if (offer) {
        try {
          entry(offer[1]).offer = readOffer(payload).offer; // version 2 may carry the transfer after its JSON
        } catch {
          entry(offer[1]).offer = { unreadable: payload.toString() };
        }
      }
      const chunk = CHUNK.exec(topic);
      if (chunk) entry(chunk[1]).chunkTopics.push(topic);
    });
    const device = values.device ?? '+';
    await subscribeRetained(client, [`mote/v1/${device}/ota/offer`, `mote/v1/${device}/ota/chunk/#`], { quietMs: SETTLE_MS });
    const found = [...waiting.values()].sort((a, b) => a.device.localeCompare(b.device));
    if (!found.length) {
      process.stdout.write(`no offers are waiting${values.device ? ` for ${values.device}` : ''}\n`);
      return 0;
    }
    for (const { device: id, offer, chunkTopics } of found) {
      const what = !offer ? 'chunks without an offer' : offer.op && offer.op !== 'install' ? `${offer.op} ${offer.id}` : `install ${offer.id}@${offer.version}`;
      process.stdout.write(`${id}: ${what}${chunkTopics.length ? ` (${chunkTopics.length} chunk(s))` : ''}${offer?.txn ? `, txn ${offer.txn}` : ''}\n`);
    }
    if (!values.clear) {
      process.stdout.write(`withdraw them with: mote offers --clear${values.device ? ` --device ${values.device}` : ''}\n`);
      return 0;
    }
    await clearRetained(client, found.flatMap(({ device: id, offer, chunkTopics }) => [...(offer ? [`mote/v1/${id}/ota/offer`] : []), ...chunkTopics]));
    process.stdout.write(`withdrew ${found.length} offer(s)\n`);
    return 0;
  } finally {
    await client.endAsync();
  }
}
