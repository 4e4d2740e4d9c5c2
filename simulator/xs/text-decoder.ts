// Moddable's `text/decoder` module: the engine's TextDecoder (UTF-8).
export default (globalThis as unknown as { TextDecoder: unknown }).TextDecoder;
