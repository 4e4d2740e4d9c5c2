// `platform/console`: tagged log lines on the terminal (on a board: the serial console).
export default harden({
  write(tag: string, text: string): void {
    sim.ask({ op: 'log', tag: String(tag), text: String(text) });
  },
});
