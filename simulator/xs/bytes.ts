// Buffers cross to Node as arrays of byte values.
export type BufferSource_ = ArrayBuffer | ArrayBufferView;

export function toBytes(buffer: unknown, what: string): number[] {
  if (buffer instanceof ArrayBuffer) return Array.from(new Uint8Array(buffer));
  if (ArrayBuffer.isView(buffer)) {
    return Array.from(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength));
  }
  throw new TypeError(`${what}: expected an ArrayBuffer, typed array or DataView`);
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
