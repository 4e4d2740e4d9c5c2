// Buffers cross to Node as arrays of byte values.
export type BufferSource_ = ArrayBuffer | ArrayBufferView;

export function toBytes(buffer: unknown, what: string): number[] {
  if (buffer instanceof ArrayBuffer) return Array.from(new Uint8Array(buffer));
  if (ArrayBuffer.isView(buffer)) {
    return Array.from(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength));
  }
  throw new TypeError(`${what}: expected an ArrayBuffer, typed array or DataView`);
}

/** How many bytes one `String.fromCharCode.apply` takes (its arguments go on the XS stack). */
const LATIN1_CHUNK = 1024;

/**
 * The first `byteLength` bytes (all by default) as a string of one char per byte (Latin-1): how
 * told requests carry bytes, with less to allocate and serialize than an array of numbers. Node
 * reads it back with `Buffer.from(text, 'latin1')` (simulator/storage.ts, network/mqtt-connections.ts).
 */
export function toLatin1(buffer: unknown, what: string, byteLength?: number): string {
  let view: Uint8Array;
  // A Uint8Array (what the outbox writes) is read as it is: no second view per write.
  if (buffer instanceof Uint8Array) view = buffer;
  else if (buffer instanceof ArrayBuffer) view = new Uint8Array(buffer);
  else if (ArrayBuffer.isView(buffer)) view = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  else throw new TypeError(`${what}: expected an ArrayBuffer, typed array or DataView`);
  if (byteLength !== undefined && byteLength < view.length) view = view.subarray(0, Math.max(0, byteLength));
  if (view.length <= LATIN1_CHUNK) return String.fromCharCode.apply(null, view as unknown as number[]);
  let text = '';
  for (let start = 0; start < view.length; start += LATIN1_CHUNK) text += String.fromCharCode.apply(null, view.subarray(start, start + LATIN1_CHUNK) as unknown as number[]);
  return text;
}

export function fillFrom(bytes: number[], target: unknown, what: string): void {
  if (target instanceof ArrayBuffer) new Uint8Array(target).set(bytes);
  else if (ArrayBuffer.isView(target)) new Uint8Array(target.buffer, target.byteOffset, target.byteLength).set(bytes);
  else throw new TypeError(`${what}: expected an ArrayBuffer, typed array or DataView`);
}

export function byteLengthOf(target: unknown): number {
  if (target instanceof ArrayBuffer) return target.byteLength;
  if (ArrayBuffer.isView(target)) return target.byteLength;
  return -1;
}
