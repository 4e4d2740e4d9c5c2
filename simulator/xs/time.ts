// Moddable's `time` module, the part the host uses: `Time.ticks`, milliseconds on the board's
// monotonic clock, here the simulator's virtual clock.
const Time = {
  get ticks(): number {
    return sim.ask({ op: 'clock.now' });
  },
  delta(start: number, end?: number): number {
    return (end ?? Time.ticks) - start;
  },
};

export default harden(Time);
