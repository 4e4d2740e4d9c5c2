// `platform/heap` on a Moddable board: a release build has no API for the XS heap in use (the
// SDK's `instrumentation` module reports it only in instrumented builds, and including it costs
// every build), so `metrics` says null here. The simulator reports the engine's figure.
export default Object.freeze({
  used(): number | undefined {
    return undefined;
  },
});
