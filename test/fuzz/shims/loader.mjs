// ESM resolve hook for the fuzz run (see register.mjs): two Moddable specifiers, nothing else.
const shims = {
  'text/decoder': new URL('./text-decoder.mjs', import.meta.url).href,
  'text/encoder': new URL('./text-encoder.mjs', import.meta.url).href,
};

export async function resolve(specifier, context, next) {
  const url = shims[specifier];
  return url ? { url, shortCircuit: true } : next(specifier, context);
}
