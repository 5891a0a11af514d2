/**
 * Per-frame outputs of streaming nodes, kept between preview runs and keyed by the node's key (type, version,
 * params, upstream keys, file identity) and the frame's index in its source. A run after a parameter change then
 * reads the unchanged upstream nodes' frames from here instead of decoding and analysing them again.
 *
 * Two pools, each bounded by bytes with the least recently used entries going first: small entries (landmarks, a
 * timeline) and big ones (decoded frames, masks). A long preview of a large painting makes about 9 MB a frame, which
 * would push the driver's landmarks out of a single pool; kept apart, the landmarks of every frame stay (what a
 * redraw needs to look over the whole driver), and only the most recent big frames do.
 */
export class FrameCache {
  readonly #small: Pool;
  readonly #big: Pool;

  /**
   * `capacityBytes` in all; `smallEntryBytes`: the size up to which an entry is small; `smallPoolBytes`: what of the
   * capacity small entries may take (64 MB holds landmarks of some 8,000 frames).
   */
  constructor(
    readonly capacityBytes = 512 * 2 ** 20,
    readonly smallEntryBytes = 64 * 2 ** 10,
    smallPoolBytes = Math.min(64 * 2 ** 20, capacityBytes / 4),
  ) {
    this.#small = new Pool(smallPoolBytes);
    this.#big = new Pool(capacityBytes - smallPoolBytes);
  }

  get(key: string): unknown {
    return this.#small.get(key) ?? this.#big.get(key);
  }

  has(key: string): boolean {
    return this.#small.has(key) || this.#big.has(key);
  }

  set(key: string, value: unknown): void {
    this.#small.delete(key);
    this.#big.delete(key);
    const bytes = sizeOf(value);
    (bytes <= this.smallEntryBytes ? this.#small : this.#big).set(key, value, bytes);
  }

  get bytes(): number {
    return this.#small.bytes + this.#big.bytes;
  }
}

/** Entries in least recently used order (a Map keeps insertion order; a read moves an entry to the end). */
class Pool {
  readonly #entries = new Map<string, { value: unknown; bytes: number }>();
  bytes = 0;

  constructor(readonly capacityBytes: number) {}

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

  delete(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.bytes -= entry.bytes;
  }

  set(key: string, value: unknown, bytes: number): void {
    this.#entries.set(key, { value, bytes });
    this.bytes += bytes;
    for (const [oldest, entry] of this.#entries) {
      if (this.bytes <= this.capacityBytes) break;
      this.#entries.delete(oldest);
      this.bytes -= entry.bytes;
    }
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
