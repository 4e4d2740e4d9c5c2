// `platform/mod-store`: the mods installed on this device. In the simulator they are the mod
// folders given to `mote sim --mod`, built from source by Node (development mode).
export default harden({
  list(): { manifest: unknown; modules: Record<string, string> }[] {
    return sim.ask({ op: 'mods.list' });
  },
});
