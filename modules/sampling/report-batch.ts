// Reports gathered while the device is awake and sent as one message when the radio comes up
// (one publish per wake instead of one per reading). Bounded: when full, the oldest report is
// dropped and counted, since the newest says most about the present. Platform-free.

export class ReportBatch<T> {
  readonly capacity: number;
  readonly #items: (T | undefined)[];
  #start = 0;
  #count = 0;
  #dropped = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 4096) {
      throw new RangeError(`ReportBatch: capacity must be an integer from 1 to 4096, got ${String(capacity)}`);
    }
    this.capacity = capacity;
    this.#items = new Array(capacity);
  }

  get size(): number {
    return this.#count;
  }

  /** Reports dropped because the batch was full, since the last `drain`. */
  get dropped(): number {
    return this.#dropped;
  }

  add(item: T): void {
    if (this.#count === this.capacity) {
      this.#items[this.#start] = undefined;
      this.#start = (this.#start + 1) % this.capacity;
      this.#count--;
      this.#dropped++;
    }
    this.#items[(this.#start + this.#count) % this.capacity] = item;
    this.#count++;
  }

  /** Empties the batch; returns its reports oldest first and how many were dropped. */
  drain(): { items: T[]; dropped: number } {
    const items: T[] = [];
    for (let i = 0; i < this.#count; i++) {
      const at = (this.#start + i) % this.capacity;
      items.push(this.#items[at] as T);
      this.#items[at] = undefined;
    }
    const dropped = this.#dropped;
    this.#start = 0;
    this.#count = 0;
    this.#dropped = 0;
    return { items, dropped };
  }
}
