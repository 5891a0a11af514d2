/**
 * The One Euro filter (Casiez, Roussel and Vogel, CHI 2012): a low-pass filter whose cutoff rises with speed, so
 * landmarks that sit still lose their jitter while fast moves keep little lag. Each number of the vector is filtered
 * on its own, so one filter smooths a whole landmark set (478 * 3 values) or a pose matrix (16 values).
 */

export interface OneEuroOptions {
  /** Cutoff in Hz when the value is still: lower removes more jitter and adds more lag. */
  minCutoff: number;
  /** How much the cutoff rises per unit of speed (units per second): higher follows fast moves with less lag. */
  beta: number;
  /** Cutoff in Hz for the speed estimate itself. */
  dCutoff?: number;
}

/** Smoothing factor of a first-order low-pass at `cutoff` Hz for samples `elapsed` seconds apart. */
function smoothingFactor(cutoff: number, elapsed: number): number {
  const tau = 1 / (2 * Math.PI * cutoff);
  return 1 / (1 + tau / elapsed);
}

export class OneEuroFilter {
  private readonly minCutoff: number;
  private readonly beta: number;
  private readonly dCutoff: number;
  private previous: Float32Array | undefined;
  private previousSpeed: Float32Array | undefined;
  private previousTime = 0;

  constructor(options: OneEuroOptions) {
    this.minCutoff = options.minCutoff;
    this.beta = options.beta;
    this.dCutoff = options.dCutoff ?? 1;
    if (!(this.minCutoff > 0) || !(this.dCutoff > 0) || !(this.beta >= 0)) {
      throw new Error(`One Euro filter needs minCutoff > 0, dCutoff > 0 and beta >= 0, got ${this.minCutoff}, ${this.dCutoff}, ${this.beta}`);
    }
  }

  /**
   * Filters one sample taken at `timeSeconds` and returns a new array. The first sample passes through unchanged.
   * A timestamp that does not move forward (a repeated frame, or a clock that went back) gives no elapsed time to
   * filter over, so the previous output is returned again and the filter's state is left as it was.
   */
  filter(values: Float32Array, timeSeconds: number): Float32Array {
    const previous = this.previous;
    const previousSpeed = this.previousSpeed;
    if (previous === undefined || previousSpeed === undefined) {
      this.previous = Float32Array.from(values);
      this.previousSpeed = new Float32Array(values.length);
      this.previousTime = timeSeconds;
      return Float32Array.from(values);
    }
    if (values.length !== previous.length) {
      throw new Error(`One Euro filter got ${values.length} values after ${previous.length}; reset it before changing the length`);
    }
    const elapsed = timeSeconds - this.previousTime;
    if (!(elapsed > 0)) return Float32Array.from(previous);

    const speedAlpha = smoothingFactor(this.dCutoff, elapsed);
    const filtered = new Float32Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const value = values[i]!;
      const last = previous[i]!;
      const rawSpeed = (value - last) / elapsed;
      const speed = previousSpeed[i]! + speedAlpha * (rawSpeed - previousSpeed[i]!);
      const alpha = smoothingFactor(this.minCutoff + this.beta * Math.abs(speed), elapsed);
      filtered[i] = last + alpha * (value - last);
      previousSpeed[i] = speed;
    }
    this.previous = filtered;
    this.previousTime = timeSeconds;
    return Float32Array.from(filtered);
  }

  /** Forgets all history: the next sample passes through unchanged (after a cut, or a face that was lost). */
  reset(): void {
    this.previous = undefined;
    this.previousSpeed = undefined;
    this.previousTime = 0;
  }
}
