/**
 * Frames where no face was found must not fail a run: a whole video is filled in by interpolating across each gap,
 * a live stream holds the last face seen. The ranges of missing frames are named for the run's report.
 */

/** An inclusive range of frame indices. */
export type FrameRange = [start: number, end: number];

/** The inclusive ranges of frames where `found` is false. */
export function missingRanges(found: boolean[]): FrameRange[] {
  const ranges: FrameRange[] = [];
  let start: number | undefined;
  found.forEach((hasFace, frame) => {
    if (!hasFace && start === undefined) start = frame;
    if (hasFace && start !== undefined) {
      ranges.push([start, frame - 1]);
      start = undefined;
    }
  });
  if (start !== undefined) ranges.push([start, found.length - 1]);
  return ranges;
}

/**
 * Names frame ranges for a message: "frames 3-7, 12", "frame 4", or "" for none. Past `maxShown` ranges the rest are
 * counted rather than listed, so a flickering detection does not flood the report.
 */
export function formatRanges(ranges: FrameRange[], maxShown = 10): string {
  if (ranges.length === 0) return '';
  const [first] = ranges;
  if (ranges.length === 1 && first !== undefined && first[0] === first[1]) return `frame ${first[0]}`;
  const shown = ranges.slice(0, maxShown).map(([start, end]) => (start === end ? `${start}` : `${start}-${end}`));
  const hidden = ranges.length - shown.length;
  return `frames ${shown.join(', ')}${hidden > 0 ? ` and ${hidden} more range${hidden === 1 ? '' : 's'}` : ''}`;
}

function lerp(from: Float32Array, to: Float32Array, t: number): Float32Array {
  const result = new Float32Array(from.length);
  for (let i = 0; i < from.length; i++) result[i] = from[i]! + (to[i]! - from[i]!) * t;
  return result;
}

/**
 * Points for every frame of a whole video, where undefined means no face: a gap is interpolated linearly between the
 * found frames on either side, frames before the first found one hold it, frames after the last found one hold that.
 * Found frames are returned as given; filled frames get arrays of their own.
 */
export function interpolateGaps(frames: (Float32Array | undefined)[]): Float32Array[] {
  const foundFrames = frames.flatMap((points, frame) => (points === undefined ? [] : [frame]));
  const firstFound = foundFrames[0];
  if (firstFound === undefined) throw new Error(`No face was found in any of the ${frames.length} frames`);
  const length = frames[firstFound]!.length;
  for (const frame of foundFrames) {
    if (frames[frame]!.length !== length) {
      throw new Error(`Frame ${frame} has ${frames[frame]!.length} landmark values, frame ${firstFound} has ${length}`);
    }
  }

  let before: number | undefined;
  let after = 0;
  return frames.map((points, frame) => {
    if (points !== undefined) {
      before = frame;
      after += 1;
      return points;
    }
    const next = foundFrames[after];
    if (before === undefined) return Float32Array.from(frames[next!]!);
    if (next === undefined) return Float32Array.from(frames[before]!);
    return lerp(frames[before]!, frames[next]!, (frame - before) / (next - before));
  });
}

/** For a live stream, where later frames are not known yet: a frame without a face repeats the last face seen. */
export class HoldLast {
  private last: Float32Array | undefined;

  /** The points given, or the last ones seen when none are; undefined only until the first face. */
  next(points: Float32Array | undefined): Float32Array | undefined {
    if (points !== undefined) this.last = points;
    return this.last;
  }

  reset(): void {
    this.last = undefined;
  }
}
