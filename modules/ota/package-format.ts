// The Mote package format, version 1 (docs/package-format.md). Platform-free: the device parses
// it, the `mote` CLI builds it with the same code.
//
//   offset  size  field
//   0       4     magic "MOTE"
//   4       1     format version (1)
//   5       1     flags (0; reserved)
//   6       2     header length H, u16 little-endian
//   8       4     payload length P, u32 little-endian
//   12      H     header: UTF-8 JSON (PackageHeader)
//   12+H    P     payload: the sections listed in header.sections, in order
//   12+H+P  32    SHA-256 of bytes [0, 12+H+P)
//   44+H+P  64    Ed25519 signature of SIGNING_CONTEXT || that SHA-256
import { concatBytes, readU16, readU32, utf8Decode, utf8Encode, writeU16, writeU32 } from "ota/bytes";
import { isVersion } from "ota/version";
import { parseBoundedJson } from "permissions/bounded-json";

export const PACKAGE_MAGIC = "MOTE";
export const FORMAT_VERSION = 1;
export const PREAMBLE_BYTES = 12;
export const DIGEST_BYTES = 32;
export const SIGNATURE_BYTES = 64;
export const TRAILER_BYTES = DIGEST_BYTES + SIGNATURE_BYTES;
export const MAX_HEADER_BYTES = 16384;
/** Domain separation: a Mote package signature means nothing in any other protocol. */
export const SIGNING_CONTEXT = "MOTE-PACKAGE-v1\0";

export type SectionKind = "source" | "xsa";

export interface SectionEntry {
  kind: SectionKind;
  length: number;
}

export interface PackageHeader {
  /** The mod's id and version, as in its manifest's "mote" section. */
  id: string;
  version: string;
  /** The mod's manifest.json ("modules" and "mote"), validated again on the device. */
  manifest: unknown;
  /** Bound to one device: any other device refuses the package. */
  device?: string;
  /** First 8 bytes of SHA-256(public key), hex: which key signed it (a hint for messages). */
  key?: string;
  sections: SectionEntry[];
  created?: string;
}

export class PackageFormatError extends Error {
  override readonly name = "PackageFormatError";
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

export interface Layout {
  headerLength: number;
  payloadLength: number;
  /** Offset of the SHA-256 field = number of bytes it covers. */
  digestOffset: number;
  signatureOffset: number;
  totalLength: number;
}

/** Reads the 12-byte preamble; throws a PackageFormatError naming what is wrong. */
export function readLayout(preamble: Uint8Array): Layout {
  if (preamble.length < PREAMBLE_BYTES) throw new PackageFormatError("truncated", `not a Mote package: ${preamble.length} bytes, shorter than the ${PREAMBLE_BYTES}-byte preamble`);
  let magic = "";
  for (let i = 0; i < 4; i++) magic += String.fromCharCode(preamble[i]);
  if (magic !== PACKAGE_MAGIC) throw new PackageFormatError("bad-magic", `not a Mote package: it starts with ${JSON.stringify(magic)}, not "MOTE"`);
  if (preamble[4] !== FORMAT_VERSION) {
    throw new PackageFormatError("unsupported-format", `package format version ${preamble[4]} is not supported (this device reads version ${FORMAT_VERSION}); rebuild it with a matching mote CLI`);
  }
  const headerLength = readU16(preamble, 6);
  const payloadLength = readU32(preamble, 8);
  if (headerLength === 0 || headerLength > MAX_HEADER_BYTES) throw new PackageFormatError("malformed-header", `package header length ${headerLength} is outside 1-${MAX_HEADER_BYTES}`);
  const digestOffset = PREAMBLE_BYTES + headerLength + payloadLength;
  return { headerLength, payloadLength, digestOffset, signatureOffset: digestOffset + DIGEST_BYTES, totalLength: digestOffset + TRAILER_BYTES };
}

/** Parses the header JSON and checks its shape against the layout. */
export function parseHeader(bytes: Uint8Array, layout: Layout): PackageHeader {
  let text: string;
  try {
    text = utf8Decode(bytes);
  } catch (error) {
    throw new PackageFormatError("malformed-header", "package header is not UTF-8");
  }
  const parsed = parseBoundedJson(text, { maxLength: MAX_HEADER_BYTES, maxDepth: 32 });
  if (!parsed.ok) throw new PackageFormatError("malformed-header", `package header is not UTF-8 JSON: ${parsed.reason}`);
  const header = parsed.value as PackageHeader;
  const problems: string[] = [];
  if (typeof header !== "object" || header === null) throw new PackageFormatError("malformed-header", "package header is not a JSON object");
  if (typeof header.id !== "string") problems.push('"id" must be a string');
  if (!isVersion(header.version)) problems.push('"version" must be a semantic version such as "1.2.0"');
  if (header.key !== undefined && typeof header.key !== "string") problems.push('"key" must be a string when present');
  if (header.device !== undefined && typeof header.device !== "string") problems.push('"device" must be a string when present');
  if (!Array.isArray(header.sections)) problems.push('"sections" must be an array');
  else {
    let total = 0;
    for (const section of header.sections) {
      if (section?.kind !== "source" && section?.kind !== "xsa") problems.push(`unknown section kind ${JSON.stringify(section?.kind)}`);
      if (!Number.isInteger(section?.length) || section.length < 0) problems.push("a section length is not a non-negative integer");
      else total += section.length;
    }
    if (total !== layout.payloadLength) problems.push(`sections add up to ${total} bytes but the payload has ${layout.payloadLength}`);
    if (!header.sections.some((section) => section?.kind === "source")) problems.push('no "source" section');
  }
  if (problems.length) throw new PackageFormatError("malformed-header", `package header: ${problems.join("; ")}`);
  return header;
}

/** Offset and length of each section, in payload order. */
export function sectionSpans(header: PackageHeader, layout: Layout): Array<SectionEntry & { offset: number }> {
  let offset = PREAMBLE_BYTES + layout.headerLength;
  return header.sections.map((section) => {
    const span = { ...section, offset };
    offset += section.length;
    return span;
  });
}

/** The bytes the Ed25519 signature covers: the context string and the package's SHA-256. */
export function signedMessage(digest: Uint8Array): Uint8Array {
  return concatBytes([utf8Encode(SIGNING_CONTEXT), digest]);
}

/** The "source" section: UTF-8 JSON { "modules": { name: JavaScript source } }. */
export function encodeSources(modules: Record<string, string>): Uint8Array {
  return utf8Encode(JSON.stringify({ modules }));
}

export function decodeSources(bytes: Uint8Array): Record<string, string> {
  let text: string;
  try {
    text = utf8Decode(bytes);
  } catch {
    throw new PackageFormatError("malformed-payload", 'the "source" section is not UTF-8');
  }
  const parsed = parseBoundedJson(text, { maxLength: bytes.length, maxDepth: 4 });
  if (!parsed.ok) throw new PackageFormatError("malformed-payload", `the "source" section is not JSON: ${parsed.reason}`);
  const modules = (parsed.value as { modules?: unknown } | null)?.modules;
  if (typeof modules !== "object" || modules === null || Array.isArray(modules)) throw new PackageFormatError("malformed-payload", 'the "source" section has no "modules" object');
  for (const [name, source] of Object.entries(modules)) {
    if (typeof source !== "string") throw new PackageFormatError("malformed-payload", `module "${name}" in the "source" section is not a string`);
  }
  return modules as Record<string, string>;
}

export interface UnsignedPackage {
  /** Everything the digest covers: preamble, header, payload. */
  body: Uint8Array;
  layout: Layout;
}

/** Lays out preamble, header and sections (the CLI then appends digest and signature). */
export function encodeBody(header: Omit<PackageHeader, "sections">, sections: Array<{ kind: SectionKind; bytes: Uint8Array }>): UnsignedPackage {
  const full: PackageHeader = { ...header, sections: sections.map(({ kind, bytes }) => ({ kind, length: bytes.length })) };
  const headerBytes = utf8Encode(JSON.stringify(full));
  if (headerBytes.length > MAX_HEADER_BYTES) throw new PackageFormatError("malformed-header", `package header is ${headerBytes.length} bytes; the limit is ${MAX_HEADER_BYTES} (is the manifest very large?)`);
  const payload = concatBytes(sections.map(({ bytes }) => bytes));
  const preamble = new Uint8Array(PREAMBLE_BYTES);
  preamble.set(utf8Encode(PACKAGE_MAGIC));
  preamble[4] = FORMAT_VERSION;
  writeU16(preamble, 6, headerBytes.length);
  writeU32(preamble, 8, payload.length);
  const body = concatBytes([preamble, headerBytes, payload]);
  return { body, layout: readLayout(preamble) };
}

