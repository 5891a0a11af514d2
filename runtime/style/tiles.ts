/**
 * Runs an image-to-image network over a picture larger than it should see at once, in overlapping tiles. Along each
 * axis the tiles are spread evenly from edge to edge, so that neighbours overlap by at least the asked overlap. Over
 * the middle half of each overlap the weight passes from one tile to the next along a raised-cosine ramp; the outer
 * quarters are context only, so the pixels near a tile's inner edge, where the network saw too little around them,
 * weigh nothing. The weights of all tiles sum to exactly 1 at every pixel.
 *
 * A tile that reaches the picture's border ends there: the network pads it as it pads a whole picture (the CycleGAN
 * generator reflects its borders), so edge tiles see the same context at the border as an untiled run does. (Padding
 * the picture by reflection first was measured to agree worse with an untiled run, not better: the generator's own
 * padding is not a reflection of the picture all the way down its layers.)
 */

/** One tile along one axis: where it starts, how long it is, and its weight at each of its pixels. */
export interface TileSpan {
  start: number;
  size: number;
  weights: Float32Array;
}

/** The overlap used: at most half the tile, so that a tile's two ramps never meet (nor three tiles share a pixel). */
export function usableOverlap(tile: number, overlap: number): number {
  return Math.max(0, Math.min(Math.round(overlap), Math.floor(tile / 2)));
}

/**
 * The tiles covering `length` pixels: one where it fits in `tile`, else the fewest of `tile` pixels whose neighbours
 * overlap by at least `overlap` (see usableOverlap), spread evenly. Their weights sum to 1 at every pixel.
 */
export function tileSpans(length: number, tile: number, overlap: number): TileSpan[] {
  if (!(length >= 1) || !(tile >= 1)) throw new Error(`cannot tile ${length} pixels with tiles of ${tile}`);
  if (length <= tile) return [{ start: 0, size: length, weights: new Float32Array(length).fill(1) }];
  const shared = usableOverlap(tile, overlap);
  const ramp = shared / 2;
  const count = Math.ceil((length - shared) / (tile - shared));
  const starts = Array.from({ length: count }, (_, i) => Math.round((i * (length - tile)) / (count - 1)));
  // Each hand-over is centred in the overlap of two neighbours, where both are furthest from their own edges.
  const handovers = starts.slice(1).map((next, i) => (starts[i]! + tile + next) / 2);
  return starts.map((start, i) => {
    const weights = new Float32Array(tile);
    for (let x = 0; x < tile; x++) {
      const centre = start + x + 0.5;
      const rising = i > 0 ? rampAt(centre, handovers[i - 1]!, ramp) : 1;
      const falling = i < count - 1 ? 1 - rampAt(centre, handovers[i]!, ramp) : 1;
      weights[x] = rising * falling;
    }
    return { start, size: tile, weights };
  });
}

/** 0 before the hand-over, 1 after it, a raised cosine `width` pixels wide between (a step where width is 0). */
export function rampAt(position: number, handover: number, width: number): number {
  if (width <= 0) return position >= handover ? 1 : 0;
  const t = (position - (handover - width / 2)) / width;
  if (t <= 0) return 0;
  if (t >= 1) return 1;
  return 0.5 - 0.5 * Math.cos(Math.PI * t);
}

/** A network over planar channels: `channels` planes of width x height in, the same out. */
export type PlanarNetwork = (planes: Float32Array, width: number, height: number) => Promise<Float32Array>;

export interface TileOptions {
  tile: number;
  overlap: number;
  /** Channels of the planar input and output (3 for RGB). */
  channels?: number;
}

/**
 * `network` over a planar picture of width x height, whole where it fits in `tile` both ways, else in tiles whose
 * results are blended with the weights of tileSpans. Tile sides are `tile` or the picture's own side.
 */
export async function runTiled(planes: Float32Array, width: number, height: number, options: TileOptions, network: PlanarNetwork): Promise<Float32Array> {
  const channels = options.channels ?? 3;
  if (planes.length !== channels * width * height) throw new Error(`expected ${channels} planes of ${width}x${height}, got ${planes.length} values`);
  if (width <= options.tile && height <= options.tile) return checked(await network(planes, width, height), channels * width * height);
  const columns = tileSpans(width, options.tile, options.overlap);
  const rows = tileSpans(height, options.tile, options.overlap);
  const out = new Float32Array(planes.length);
  const area = width * height;
  for (const row of rows) {
    for (const column of columns) {
      const tileArea = column.size * row.size;
      const input = new Float32Array(channels * tileArea);
      for (let c = 0; c < channels; c++) {
        for (let y = 0; y < row.size; y++) {
          const from = c * area + (row.start + y) * width + column.start;
          input.set(planes.subarray(from, from + column.size), c * tileArea + y * column.size);
        }
      }
      const result = checked(await network(input, column.size, row.size), input.length);
      for (let c = 0; c < channels; c++) {
        for (let y = 0; y < row.size; y++) {
          const rowWeight = row.weights[y]!;
          if (rowWeight === 0) continue;
          const to = c * area + (row.start + y) * width + column.start;
          const from = c * tileArea + y * column.size;
          for (let x = 0; x < column.size; x++) out[to + x]! += result[from + x]! * rowWeight * column.weights[x]!;
        }
      }
    }
  }
  return out;
}

function checked(result: Float32Array, expected: number): Float32Array {
  if (result.length !== expected) throw new Error(`the network gave ${result.length} values for a tile of ${expected}`);
  return result;
}
