// Drives a transfer over a pull link (the simulator's `platform/ota-link`): read the next chunk
// where the service expects it, one chunk per timer tick so mods keep running between chunks; a
// failed read (link dropped) is retried from the same offset with backoff.
import type { Offer, OtaService } from "ota/service";

export interface PullLink {
  read(txn: string, offset: number, length: number): ArrayBuffer;
}

export interface PumpOptions {
  chunkBytes?: number;
  setTimer(callback: () => void, ms: number): void;
  log(text: string): void;
  retries?: number;
}

export function pumpOffer(service: OtaService, link: PullLink, offer: Offer, options: PumpOptions): void {
  const chunkBytes = options.chunkBytes ?? 1024;
  const retries = options.retries ?? 5;
  if (!service.offer(offer)) return;
  let failures = 0;
  const step = () => {
    const expecting = service.expecting;
    if (!expecting || expecting.txn !== offer.txn) return; // finished, refused or replaced
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(link.read(offer.txn, expecting.offset, Math.min(chunkBytes, expecting.size - expecting.offset)));
    } catch (error) {
      if (++failures > retries) return service.abort(offer.txn, `the link failed ${failures} times at byte ${expecting.offset}: ${(error as Error).message}`);
      options.log(`ota: read at ${expecting.offset} failed (${(error as Error).message}); retrying`);
      return options.setTimer(step, 100 * 2 ** failures);
    }
    failures = 0;
    if (!bytes.length) return service.abort(offer.txn, `the link sent no bytes at ${expecting.offset} of ${expecting.size} (transfer truncated)`);
    service.receive(offer.txn, expecting.offset, bytes);
    options.setTimer(step, 0);
  };
  options.setTimer(step, 0);
}
