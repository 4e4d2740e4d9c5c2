// Reading installed packages back from their slots, and the boot-time pass over the commit
// record: a mod still on trial when the device boots failed its health check (it crashed the
// machine, or power went), so it is rolled back; a damaged slot falls back to the previous
// version. Returns the mods to start.
import { asBytes, fromHex, equalBytes, toHex } from "ota/bytes";
import { decodeSources, parseHeader, readLayout, sectionSpans, PREAMBLE_BYTES, type PackageHeader } from "ota/package-format";
import type { CommitRecord, ModRecord, Outcome, SlotRef, SlotStore } from "ota/slot-store";
import { hashRange, type OtaCrypto } from "ota/verify";
import type { InstalledMod } from "runtime/runtime";

export interface SlotPackage {
  header: PackageHeader;
  mod: InstalledMod;
}

/** The package in a slot, its SHA-256 checked against the record. Throws when damaged. */
export function readSlotPackage(store: SlotStore, ref: SlotRef, crypto: Pick<OtaCrypto, "digest">): SlotPackage {
  const source = store.reader(ref.slot, ref.length);
  const layout = readLayout(source.read(0, PREAMBLE_BYTES));
  if (layout.totalLength !== ref.length) throw new Error(`slot ${ref.slot} holds ${layout.totalLength} bytes, the record says ${ref.length}`);
  const digest = hashRange(source, layout.digestOffset, crypto);
  if (!equalBytes(digest, fromHex(ref.digest)) || !equalBytes(digest, source.read(layout.digestOffset, 32))) {
    throw new Error(`slot ${ref.slot} does not match its SHA-256 (flash damaged)`);
  }
  const header = parseHeader(source.read(PREAMBLE_BYTES, layout.headerLength), layout);
  const span = sectionSpans(header, layout).find((section) => section.kind === "source")!;
  const modules = decodeSources(source.read(span.offset, span.length));
  return { header, mod: { manifest: header.manifest, modules, ...(ref.signer ? { signer: ref.signer } : {}) } };
}

export function digestHex(bytes: ArrayBuffer | Uint8Array): string {
  return toHex(asBytes(bytes));
}

export interface BootResult {
  mods: InstalledMod[];
  record: CommitRecord;
}

/** The boot pass (see the file comment); writes a new record only when something changed. */
export function bootSlots(store: SlotStore, crypto: Pick<OtaCrypto, "digest">, log: (text: string) => void): BootResult {
  const current = store.current();
  const outcomes: Outcome[] = [...current.outcomes];
  const mods: ModRecord[] = [];
  const installed: InstalledMod[] = [];
  let changed = false;
  for (const entry of current.mods) {
    let mod: ModRecord | undefined = entry;
    if (mod.trial) {
      const reason = `the device restarted during the health check of ${mod.id} ${mod.active.version} (a crash of the machine, a reset or a power cut)`;
      outcomes.push({ txn: mod.trial.txn, id: mod.id, version: mod.active.version, step: "rolled-back", code: "restarted-on-trial", reason });
      log(`ota: rolling back ${mod.id} ${mod.active.version}: ${reason}`);
      mod = mod.previous ? { id: mod.id, active: mod.previous } : undefined;
      changed = true;
    }
    while (mod) {
      try {
        installed.push(readSlotPackage(store, mod.active, crypto).mod);
        mods.push(mod);
        break;
      } catch (error) {
        const reason = `${mod.id} ${mod.active.version}: ${(error as Error).message}`;
        outcomes.push({ id: mod.id, version: mod.active.version, step: "damaged", code: "slot-damaged", reason });
        log(`ota: ${reason}${mod.previous ? "; falling back to the previous version" : "; not started"}`);
        mod = mod.previous ? { id: mod.id, active: mod.previous } : undefined;
        changed = true;
      }
    }
  }
  const record = changed ? store.commit({ mods, outcomes }) : current;
  return { mods: installed, record };
}
