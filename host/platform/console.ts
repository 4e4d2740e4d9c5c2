// `platform/console` on a Moddable board: tagged lines on the serial console (xsbug in debug builds).
export default Object.freeze({
  write(tag: string, text: string): void {
    trace(`[${tag}] ${text}${text.endsWith("\n") ? "" : "\n"}`);
  },
});
