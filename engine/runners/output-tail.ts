/**
 * Keeps the last `max` characters of a stream. A runaway command can print gigabytes; the result
 * keeps the tail (where errors usually are) and says how much was dropped.
 */
export class OutputTail {
  readonly #max: number;
  #parts: string[] = [];
  #length = 0;
  #dropped = 0;

  constructor(max: number) {
    this.#max = Math.max(0, max);
  }

  push(data: string): void {
    this.#parts.push(data);
    this.#length += data.length;
    // Compact only when well over the cap, so that pushing stays linear overall.
    if (this.#length > this.#max * 2 + 65_536) this.#compact();
  }

  /** Characters dropped from the front so far. */
  get dropped(): number {
    return this.#dropped + Math.max(0, this.#length - this.#max);
  }

  text(): string {
    this.#compact();
    return this.#parts.join('');
  }

  #compact(): void {
    let all = this.#parts.join('');
    if (all.length > this.#max) {
      this.#dropped += all.length - this.#max;
      all = all.slice(all.length - this.#max);
    }
    this.#parts = [all];
    this.#length = all.length;
  }
}
