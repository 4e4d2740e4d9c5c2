// Moddable's `text/encoder` module: the engine's TextEncoder (UTF-8).
export default (globalThis as unknown as { TextEncoder: unknown }).TextEncoder;
