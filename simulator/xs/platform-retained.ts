// `platform/retained`: memory that survives deep sleep but not power loss (RTC memory on ESP32).
export default harden({
  read(): ArrayBuffer | undefined {
    const bytes: number[] | null = sim.ask({ op: 'retained.read' });
    return bytes ? Uint8Array.from(bytes).buffer : undefined;
  },
  write(buffer: ArrayBuffer): void {
    sim.ask({ op: 'retained.write', bytes: Array.from(new Uint8Array(buffer)) });
  },
});
