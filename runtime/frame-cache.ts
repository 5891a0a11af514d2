/**
 * Per-frame outputs of streaming nodes, kept between preview runs and keyed by the node's key (type, version,
 * params, upstream keys, file identity) and the frame's index in its source. A run after a parameter change then
 * reads the unchanged upstream nodes' frames from here instead of decoding and analysing them again. Bounded by
 * bytes; least recently used entries go first.
 */
export class FrameCache {
  readonly #entries = new Map<string, { value: unknown; bytes: number }>();
  #bytes = 0;

  constructor(readonly capacityBytes = 512 * 2 ** 20) {}

  get(key: string): unknown {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.value;
  }

  has(key: string): boolean {
    return this.#entries.has(key);
  }

  set(key: string, value: unknown): void {
    const previous = this.#entries.get(key);
    if (previous) {
      this.#bytes -= previous.bytes;
      this.#entries.delete(key);
    }
    const bytes = sizeOf(value);
    this.#entries.set(key, { value, bytes });
    this.#bytes += bytes;
    for (const [oldest, entry] of this.#entries) {
      if (this.#bytes <= this.capacityBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= entry.bytes;
    }
  }

  get bytes(): number {
    return this.#bytes;
  }
}

/** Bytes held by typed arrays in `value` and the objects it holds (frames, masks, landmarks), plus a little per entry. */
function sizeOf(value: unknown, depth = 0): number {
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (typeof value !== 'object' || value === null || depth > 3) return 16;
  let bytes = 64;
  for (const item of Object.values(value)) bytes += sizeOf(item, depth + 1);
  return bytes;
}
