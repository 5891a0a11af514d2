/**
 * Results of once-per-run nodes, kept across runs and keyed by node type, version, params and upstream keys, so that
 * a run after a parameter change recomputes only what lies downstream of it. Least recently used entries go first.
 */
export class ResultCache {
  readonly #entries = new Map<string, Record<string, unknown>>();

  constructor(readonly capacity = 64) {}

  get(key: string): Record<string, unknown> | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: Record<string, unknown>): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    while (this.#entries.size > this.capacity) this.#entries.delete(this.#entries.keys().next().value!);
  }

  get size(): number {
    return this.#entries.size;
  }
}
