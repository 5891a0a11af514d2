import type { RgbaImage } from '../image.ts';

/** Input differences (mean of R, G, B, in 8-bit levels) that count as standing still, and as moving. */
export interface StillnessThresholds {
  /** At or below: still (compression noise on a static shot is a level or two). */
  still: number;
  /** At or above: moving. */
  moving: number;
}

export const defaultStillness: StillnessThresholds = { still: 3, moving: 12 };

/** How far the neighbourhood reaches that a pixel's difference is averaged over (5x5): one noisy pixel is not motion. */
const neighbourhood = 2;

/**
 * Against flicker: a style network redraws every frame afresh, so its strokes shimmer even where the picture stands
 * still. The guard holds the last result and the input it came from; each new result is blended towards the held one,
 * per pixel, by `amount` times how still the pixel is (see stillness). The held input takes the same blend as the held
 * result, so that the two always belong together and a slow drift (a fade, a shifting light) adds up until it counts
 * as motion rather than being held for ever.
 */
export class FlickerGuard {
  private held?: { width: number; height: number; input: Float32Array; result: Float32Array };

  constructor(private readonly thresholds: StillnessThresholds = defaultStillness) {}

  /**
   * The result to show for this frame, as RGB floats in 0..255 (three a pixel), given the frame's input and the
   * network's result (both the same size). With `amount` 0, or on the first frame, it is the result itself.
   */
  apply(input: RgbaImage, result: RgbaImage, amount: number): Float32Array {
    const { width, height } = input;
    if (result.width !== width || result.height !== height) throw new Error(`result is ${result.width}x${result.height}, input is ${width}x${height}`);
    const held = this.held;
    if (!held || held.width !== width || held.height !== height || amount <= 0) {
      this.held = { width, height, input: rgbOf(input), result: rgbOf(result) };
      return this.held.result.slice();
    }
    const weights = stillness(held.input, input, amount, this.thresholds);
    blendTowardsHeld(held.input, input.data, weights);
    blendTowardsHeld(held.result, result.data, weights);
    return held.result.slice();
  }
}

/**
 * Per pixel, how much of the held result to keep: `amount` where the input's difference from the held input is at
 * most `still`, 0 from `moving` up, a smooth step between. The difference is the mean over R, G and B, averaged over
 * the pixel's 5x5 neighbourhood.
 */
export function stillness(heldInput: Float32Array, input: RgbaImage, amount: number, thresholds: StillnessThresholds = defaultStillness): Float32Array {
  const { width, height, data } = input;
  const difference = new Float32Array(width * height);
  for (let i = 0, at = 0, rgb = 0; i < difference.length; i++, at += 4, rgb += 3) {
    difference[i] = (Math.abs(data[at]! - heldInput[rgb]!) + Math.abs(data[at + 1]! - heldInput[rgb + 1]!) + Math.abs(data[at + 2]! - heldInput[rgb + 2]!)) / 3;
  }
  const averaged = boxAverage(difference, width, height, neighbourhood);
  const { still, moving } = thresholds;
  for (let i = 0; i < averaged.length; i++) {
    const t = Math.min(Math.max((averaged[i]! - still) / (moving - still), 0), 1);
    averaged[i] = amount * (1 - t * t * (3 - 2 * t));
  }
  return averaged;
}

/** held = held x w + current x (1 - w) per pixel and channel; `current` is RGBA bytes, `held` RGB floats. */
export function blendTowardsHeld(held: Float32Array, current: Uint8Array, weights: Float32Array): void {
  for (let i = 0, at = 0, rgb = 0; i < weights.length; i++, at += 4, rgb += 3) {
    const keep = weights[i]!;
    for (let c = 0; c < 3; c++) held[rgb + c] = keep * held[rgb + c]! + (1 - keep) * current[at + c]!;
  }
}

/** RGBA bytes as RGB floats. */
function rgbOf(image: RgbaImage): Float32Array {
  const rgb = new Float32Array(image.width * image.height * 3);
  for (let i = 0, at = 0; i < rgb.length; i += 3, at += 4) {
    rgb[i] = image.data[at]!;
    rgb[i + 1] = image.data[at + 1]!;
    rgb[i + 2] = image.data[at + 2]!;
  }
  return rgb;
}

/** Mean over the (2r+1)-pixel square around each pixel, edges repeated (running sums along rows, then down columns). */
function boxAverage(values: Float32Array, width: number, height: number, radius: number): Float32Array {
  const window = 2 * radius + 1;
  const across = new Float32Array(values.length);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const last = row + width - 1;
    let sum = (radius + 1) * values[row]!;
    for (let x = 1; x <= radius; x++) sum += values[Math.min(row + x, last)]!;
    for (let x = 0; x < width; x++) {
      across[row + x] = sum / window;
      sum += values[Math.min(row + x + radius + 1, last)]! - values[Math.max(row + x - radius, row)]!;
    }
  }
  const out = new Float32Array(values.length);
  const sums = new Float64Array(width);
  const rowAt = (y: number) => Math.min(Math.max(y, 0), height - 1) * width;
  for (let y = -radius; y <= radius; y++) {
    const row = rowAt(y);
    for (let x = 0; x < width; x++) sums[x] = sums[x]! + across[row + x]!;
  }
  for (let y = 0; y < height; y++) {
    const entering = rowAt(y + radius + 1);
    const leaving = rowAt(y - radius);
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const sum = sums[x]!;
      out[row + x] = sum / window;
      sums[x] = sum + across[entering + x]! - across[leaving + x]!;
    }
  }
  return out;
}
