// A progress bar for long CLI steps (builds, transfers, installs, rollouts). On a terminal it
// redraws one line in place; into a file or pipe it writes a line at each tenth and at the end,
// so logs stay readable.
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  /** What is progressing, e.g. "install thermometer@1.1.0 on esp32-a". */
  label: string;
  /** Units of work in all, e.g. bytes or chunks; a bar without a total shows only the count. */
  total?: number;
  /** How to show an amount, e.g. bytes as "12.5 KB"; plain numbers by default. */
  format?: (amount: number) => string;
  stream?: ProgressStream;
}

const WIDTH = 24;

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}

export class ProgressBar {
  readonly #label: string;
  readonly #total: number | undefined;
  readonly #format: (amount: number) => string;
  readonly #stream: ProgressStream;
  #lastTenth = -1;
  #finished = false;

  constructor(options: ProgressOptions) {
    this.#label = options.label;
    this.#total = options.total && options.total > 0 ? options.total : undefined;
    this.#format = options.format ?? String;
    this.#stream = options.stream ?? process.stderr;
  }

  /** Shows `done` units finished, with an optional note (the current step). */
  update(done: number, note = ''): void {
    if (this.#finished) return;
    const line = this.#line(done, note);
    if (this.#stream.isTTY) {
      this.#stream.write(`\r${line.slice(0, (this.#stream.columns ?? 100) - 1)}\x1b[K`);
      return;
    }
    const tenth = this.#total ? Math.floor((Math.min(done, this.#total) / this.#total) * 10) : -1;
    if (tenth > this.#lastTenth) {
      this.#lastTenth = tenth;
      this.#stream.write(`${line}\n`);
    }
  }

  /** Ends the bar with a final message (success or the reason it stopped); safe to call twice. */
  finish(message: string): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#stream.write(`${this.#stream.isTTY ? '\r\x1b[K' : ''}${this.#label}: ${message}\n`);
  }

  #line(done: number, note: string): string {
    const suffix = note ? `  ${note}` : '';
    if (!this.#total) return `${this.#label}  ${this.#format(done)}${suffix}`;
    const fraction = Math.max(0, Math.min(1, done / this.#total));
    const filled = Math.round(fraction * WIDTH);
    const bar = `${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}`;
    return `${this.#label} [${bar}] ${String(Math.floor(fraction * 100)).padStart(3)}%  ${this.#format(done)}/${this.#format(this.#total)}${suffix}`;
  }
}
