// `platform/ota-link` in the simulator: Node (simulator/ota-link.ts) offers a package, the device
// reads it in chunks with synchronous requests and reports every step back.
import type { Offer, OtaEvent } from 'ota/service';

/** False once Node said it has no link for this device (no `OtaLink` attached): reports stop. */
let attached = true;

export default harden({
  connect(handlers: { offer(offer: Offer): void; remove(txn: string, id: string): void; rollback(txn: string, id: string): void }): void {
    sim.on('ota.link.offer', ({ offer }: { offer: Offer }) => handlers.offer(offer));
    sim.on('ota.link.remove', ({ txn, id }: { txn: string; id: string }) => handlers.remove(txn, id));
    sim.on('ota.link.rollback', ({ txn, id }: { txn: string; id: string }) => handlers.rollback(txn, id));
  },
  read(txn: string, offset: number, length: number): ArrayBuffer {
    return Uint8Array.from(sim.ask({ op: 'ota.link.read', txn, offset, length }) as number[]).buffer;
  },
  report(event: OtaEvent): void {
    if (!attached) return;
    try {
      sim.ask({ op: 'ota.link.report', event });
    } catch (error) {
      // A device without the link (installs over MQTT only) has no `ota.link.*` requests.
      if (String((error as Error).message).indexOf('unknown request') < 0) throw error;
      attached = false;
    }
  },
});
