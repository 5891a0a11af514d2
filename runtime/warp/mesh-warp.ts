import type { RgbaImage } from '../image.ts';
import { sampleBilinear } from './bilinear.ts';
import { triangleSpans } from './triangle-spans.ts';

export interface MeshWarpOptions {
  /**
   * Draw only the triangles that move: those with some vertex whose source and target positions differ by more than
   * `stillTolerance` on either axis. A still triangle would just copy the source onto itself, so skipping it is right
   * (and saves most of the work when only a face moves) as long as the output starts as a copy of the source.
   * Default: true when `output` is omitted (it then starts as a copy of the source), false when an output is
   * passed, since it may hold some other background; pass true with an output that is a copy of the source.
   */
  skipStill?: boolean;
  /** Pixels. Default 0.01, which moves no sample by more than a hundredth of a pixel. */
  stillTolerance?: number;
}

/**
 * Piecewise-affine warp: moves the content of each source triangle onto the matching target triangle.
 *
 * Every target triangle is rasterized over `output` (pixel centres at +0.5, each pixel covered by exactly one of the
 * triangles that share an edge or corner, see triangle-spans.ts). Each covered pixel is mapped by its barycentric
 * coordinates into the source triangle, and the source is sampled there bilinearly, clamped to the image. Pixels no
 * triangle covers keep what `output` held; without an output the result starts as a copy of `source`.
 *
 * Points are flat x, y pairs in pixel coordinates (the image spans 0..width, 0..height); `triangles` holds three
 * point indices per triangle, in either winding (a triangle that flips between source and target is drawn mirrored).
 * Where target triangles overlap, the later one wins. `output` may differ from `source` in size, and is written in
 * place and returned.
 */
export function warpMesh(
  source: RgbaImage,
  sourcePoints: Float32Array | Float64Array,
  targetPoints: Float32Array | Float64Array,
  triangles: Uint32Array,
  output?: RgbaImage,
  options: MeshWarpOptions = {},
): RgbaImage {
  checkImage(source, 'source');
  if (output !== undefined) checkImage(output, 'output');
  checkMesh(sourcePoints, targetPoints, triangles);
  const out = output ?? { width: source.width, height: source.height, data: source.data.slice() };
  // Warping in place would read pixels that were already moved.
  const from = out.data.buffer === source.data.buffer ? { ...source, data: source.data.slice() } : source;
  const moving = (options.skipStill ?? output === undefined)
    ? movingPoints(sourcePoints, targetPoints, options.stillTolerance ?? 0.01)
    : undefined;

  const spans = new Int32Array(3 * out.height);
  const affine = new Float64Array(6);
  const { width, data } = out;
  for (let t = 0; t + 2 < triangles.length; t += 3) {
    const i = triangles[t]!;
    const j = triangles[t + 1]!;
    const k = triangles[t + 2]!;
    if (moving !== undefined && moving[i] === 0 && moving[j] === 0 && moving[k] === 0) continue;
    const tx0 = targetPoints[2 * i]!;
    const ty0 = targetPoints[2 * i + 1]!;
    const tx1 = targetPoints[2 * j]!;
    const ty1 = targetPoints[2 * j + 1]!;
    const tx2 = targetPoints[2 * k]!;
    const ty2 = targetPoints[2 * k + 1]!;
    const runs = triangleSpans(tx0, ty0, tx1, ty1, tx2, ty2, out.width, out.height, spans);
    if (runs === 0) continue;
    targetToSource(
      tx0, ty0, tx1, ty1, tx2, ty2,
      sourcePoints[2 * i]!, sourcePoints[2 * i + 1]!,
      sourcePoints[2 * j]!, sourcePoints[2 * j + 1]!,
      sourcePoints[2 * k]!, sourcePoints[2 * k + 1]!,
      affine,
    );
    // Source position = (xFromX x + xFromY y + xOffset, yFromX x + yFromY y + yOffset) for output centre (x, y).
    const xFromX = affine[0]!;
    const xFromY = affine[1]!;
    const xOffset = affine[2]!;
    const yFromX = affine[3]!;
    const yFromY = affine[4]!;
    const yOffset = affine[5]!;
    for (let r = 0; r < runs; r++) {
      const y = spans[3 * r]!;
      const end = spans[3 * r + 2]!;
      const centreY = y + 0.5;
      const rowX = xFromY * centreY + xOffset;
      const rowY = yFromY * centreY + yOffset;
      for (let x = spans[3 * r + 1]!; x < end; x++) {
        const centreX = x + 0.5;
        sampleBilinear(from, xFromX * centreX + rowX, yFromX * centreX + rowY, data, (y * width + x) * 4);
      }
    }
  }
  return out;
}

/**
 * The affine map taking target triangle (t0, t1, t2) onto source triangle (s0, s1, s2), as
 * sx = m[0] x + m[1] y + m[2], sy = m[3] x + m[4] y + m[5]. Written so identical triangles give exactly the
 * identity, and a pure translation exactly that translation, which keeps still and shifted content bit-exact.
 */
function targetToSource(
  tx0: number, ty0: number, tx1: number, ty1: number, tx2: number, ty2: number,
  sx0: number, sy0: number, sx1: number, sy1: number, sx2: number, sy2: number,
  m: Float64Array,
): void {
  const ux = tx1 - tx0;
  const uy = ty1 - ty0;
  const vx = tx2 - tx0;
  const vy = ty2 - ty0;
  const determinant = ux * vy - vx * uy;
  // Barycentric weights of t1 and t2: l1 = (vy dx - vx dy) / det, l2 = (ux dy - uy dx) / det, with d = p - t0.
  const sux = sx1 - sx0;
  const suy = sy1 - sy0;
  const svx = sx2 - sx0;
  const svy = sy2 - sy0;
  const xx = (sux * vy - svx * uy) / determinant;
  const xy = (svx * ux - sux * vx) / determinant;
  const yx = (suy * vy - svy * uy) / determinant;
  const yy = (svy * ux - suy * vx) / determinant;
  m[0] = xx;
  m[1] = xy;
  m[2] = sx0 - (xx * tx0 + xy * ty0);
  m[3] = yx;
  m[4] = yy;
  m[5] = sy0 - (yx * tx0 + yy * ty0);
}

/** 1 for each point that moves by more than `tolerance` on either axis between source and target, else 0. */
function movingPoints(
  sourcePoints: Float32Array | Float64Array,
  targetPoints: Float32Array | Float64Array,
  tolerance: number,
): Uint8Array {
  const moving = new Uint8Array(sourcePoints.length >> 1);
  for (let p = 0; p < moving.length; p++) {
    const dx = Math.abs(targetPoints[2 * p]! - sourcePoints[2 * p]!);
    const dy = Math.abs(targetPoints[2 * p + 1]! - sourcePoints[2 * p + 1]!);
    // Written so a NaN counts as moving: better drawn (and skipped by the rasterizer) than silently kept.
    moving[p] = dx <= tolerance && dy <= tolerance ? 0 : 1;
  }
  return moving;
}

function checkImage(image: RgbaImage, name: string): void {
  if (!(image.width > 0 && image.height > 0) || image.data.length !== image.width * image.height * 4) {
    throw new RangeError(`Mesh warp ${name} must be a non-empty ${image.width}x${image.height} RGBA image, got ${image.data.length} bytes`);
  }
}

function checkMesh(sourcePoints: ArrayLike<number>, targetPoints: ArrayLike<number>, triangles: Uint32Array): void {
  if (sourcePoints.length !== targetPoints.length || sourcePoints.length % 2 !== 0) {
    throw new RangeError(`Mesh warp needs as many source as target x, y pairs, got ${sourcePoints.length} and ${targetPoints.length} numbers`);
  }
  if (triangles.length % 3 !== 0) throw new RangeError(`Mesh warp triangles must be index triples, got ${triangles.length} indices`);
  const count = sourcePoints.length / 2;
  for (const index of triangles) {
    if (index >= count) throw new RangeError(`Mesh warp triangle index ${index} is past the ${count} points`);
  }
}
