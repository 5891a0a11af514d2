import { erodeMask } from '../compose/mask-ops.ts';
import { fillPolygonMask } from '../compose/polygon-mask.ts';
import { faceMeshConnections } from '../draw/face-mesh-connections.ts';
import { eyeContours, innerLipLower, innerLipUpper } from '../face-topology.ts';
import { ovalLandmarks } from '../face-topology.ts';
import type { RgbaImage } from '../image.ts';
import { warpMesh } from '../warp/mesh-warp.ts';

/*
 * Picture damage: how far an animated frame's face has drifted from the painting's own pixels, once the motion the
 * landmarks explain is undone. Each output frame is warped back onto the painting's geometry through the face mesh
 * (output landmarks -> painting landmarks), then compared with the painting in CIELAB over the face, eyes and inner
 * mouth left out (a blink or an open mouth is meant to change them). What the un-warp cannot explain is damage:
 * torn or smeared triangles, ghosted contours, blotches of colour, squeezed features the landmarks did not follow.
 *
 * Everything runs on a crop of the face scaled to a fixed height, so the figure means the same for any picture size
 * and costs about ten milliseconds a frame.
 *
 * The landmarks found in two pictures never quite agree (video mode alone drifts a pixel or two from a single
 * detection), so each pixel only has to match something within a small shift tolerance on the other side; callers
 * should also landmark the painting the way they landmark the frames.
 */

export interface DamageOptions {
  /** Height of the painting's face oval in the working crop, pixels. Default 256. */
  faceHeightPx?: number;
  /** How far inside the face oval the compared region stops, as a share of the face height (the oval's edge shows background, and its landmarks wander). Default 0.04. */
  ovalInset?: number;
  /** How far around each eye and the inner mouth is left out, as a share of the face height (lashes, lid creases and teeth move with them). Default 0.03. */
  featureMargin?: number;
  /** Working pixels either picture may be off the other by before it counts (landmark disagreement). Default 2. */
  shiftTolerance?: number;
  /** Below this share of the compared region seen in a frame (the head turned far away), the frame is not scored. Default 0.4. */
  minCoverage?: number;
}

/** The painting, prepared once: its face crop in CIELAB, its landmarks there, and the pixels compared. */
export interface DamageReference {
  width: number;
  height: number;
  /** Working crop pixel = (painting pixel - offset) * scale. */
  left: number;
  top: number;
  scale: number;
  /** The painting's 468 mesh landmarks in working pixels, x, y pairs. */
  points: Float32Array;
  /** The compared pixels (y * width + x), none closer to the crop's edge than the shift tolerance. */
  region: Int32Array;
  /** The pixels the comparison reads: the region grown by the shift tolerance. */
  reach: Int32Array;
  /** Offsets of the pixels within the shift tolerance of a pixel, itself included. */
  neighbours: Int32Array;
  /** The crop in CIELAB, 3 floats a pixel. */
  lab: Float32Array;
  minCoverage: number;
}

export interface FrameDamage {
  /** Mean CIE76 ΔE over the compared pixels the frame shows. */
  meanDeltaE: number;
  /** 95th percentile of the same. */
  p95DeltaE: number;
  /** Share of the compared region the frame's face covers (triangles turned away from view are not compared). */
  coverage: number;
}

/** The 852 triangles of MediaPipe's face mesh (three edges each in the tessellation); eyes and inner mouth are holes. */
const meshTriangles = Uint32Array.from(
  faceMeshConnections.tessellation.filter((_, i) => i % 3 === 0).flatMap((_, t) => [0, 1, 2].map((k) => faceMeshConnections.tessellation[3 * t + k]!.start)),
);
const meshPointCount = 468;
const innerLip = [...innerLipUpper, ...innerLipLower];
const eyeLoops = eyeContours.map(({ upper, lower }) => [...upper, ...lower]);

/**
 * Prepares the painting (RGBA, the size the frames will have) and its 478 landmarks (x, y, z each, in its pixels) for
 * `frameDamage`: crop, CIELAB and compared region, computed once for all frames.
 */
export function prepareDamageReference(painting: RgbaImage, landmarks: Float32Array, options: DamageOptions = {}): DamageReference {
  const faceHeightPx = options.faceHeightPx ?? 256;
  const oval = loopBox(landmarks, ovalLandmarks);
  const faceHeight = oval.bottom - oval.top;
  // A little margin round the oval so the erosions and the warp have context at the crop's edge.
  const margin = 0.1 * faceHeight;
  const left = Math.max(0, Math.floor(oval.left - margin));
  const top = Math.max(0, Math.floor(oval.top - margin));
  const right = Math.min(painting.width, Math.ceil(oval.right + margin));
  const bottom = Math.min(painting.height, Math.ceil(oval.bottom + margin));
  const scale = faceHeightPx / faceHeight;
  const width = Math.max(1, Math.round((right - left) * scale));
  const height = Math.max(1, Math.round((bottom - top) * scale));
  const crop = shrinkArea(painting, left, top, right - left, bottom - top, width, height);
  // Rounding the crop's size moves its scale a hair off `scale`; the landmarks follow the crop's real scale.
  const sx = width / (right - left);
  const sy = height / (bottom - top);
  const points = new Float32Array(meshPointCount * 2);
  for (let i = 0; i < meshPointCount; i++) {
    points[2 * i] = (landmarks[3 * i]! - left) * sx;
    points[2 * i + 1] = (landmarks[3 * i + 1]! - top) * sy;
  }
  const tolerance = Math.max(0, Math.round(options.shiftTolerance ?? 2));
  const inside = comparedRegion(width, height, points, faceHeightPx, options);
  const region: number[] = [];
  for (let y = tolerance; y < height - tolerance; y++) {
    for (let x = tolerance; x < width - tolerance; x++) if (inside[y * width + x]) region.push(y * width + x);
  }
  const offsets: [number, number][] = [];
  for (let dy = -tolerance; dy <= tolerance; dy++) for (let dx = -tolerance; dx <= tolerance; dx++) offsets.push([dx, dy]);
  // Nearest first (the pixel itself leads), so the comparison can stop at the first close match.
  const neighbours = offsets.sort((a, b) => Math.hypot(...a) - Math.hypot(...b)).map(([dx, dy]) => dy * width + dx);
  const reached = new Uint8Array(width * height);
  for (const p of region) for (const offset of neighbours) reached[p + offset] = 1;
  const reach: number[] = [];
  reached.forEach((value, p) => value && reach.push(p));
  return {
    width,
    height,
    left,
    top,
    scale: (sx + sy) / 2,
    points,
    region: Int32Array.from(region),
    reach: Int32Array.from(reach),
    neighbours: Int32Array.from(neighbours),
    lab: toLab(crop),
    minCoverage: options.minCoverage ?? 0.4,
  };
}

/**
 * Damage of one output frame, given the landmarks found in it (x, y, z per landmark, in the frame's pixels, the frame
 * showing the painting at the size the reference was prepared at). Undefined when too little of the face is in view.
 */
export function frameDamage(reference: DamageReference, frame: RgbaImage, landmarks: Float32Array): FrameDamage | undefined {
  return compare(reference, unwarpFrame(reference, frame, landmarks));
}

/**
 * The frame's face warped back onto the painting's geometry, in the reference's working crop. Alpha is 0 where no
 * facing triangle reaches (frames are opaque, so a warped pixel has alpha 255).
 */
export function unwarpFrame(reference: DamageReference, frame: RgbaImage, landmarks: Float32Array): RgbaImage {
  const { source, points } = reducedFace(frame, landmarks, reference.scale);
  const triangles = facingTriangles(points, reference.points);
  const warped = { width: reference.width, height: reference.height, data: new Uint8Array(reference.width * reference.height * 4) };
  return warpMesh(source, points, reference.points, triangles, warped, { skipStill: false });
}

/**
 * The frame's face at the working scale. Shrinking is area-averaged first, as the painting's crop was: sampling a
 * large frame bilinearly would alias and read fine brushwork as damage.
 */
function reducedFace(frame: RgbaImage, landmarks: Float32Array, scale: number): { source: RgbaImage; points: Float32Array } {
  const points = new Float32Array(meshPointCount * 2);
  if (scale >= 0.75) {
    for (let i = 0; i < meshPointCount; i++) {
      points[2 * i] = landmarks[3 * i]!;
      points[2 * i + 1] = landmarks[3 * i + 1]!;
    }
    return { source: frame, points };
  }
  const box = loopBox(landmarks, ovalLandmarks);
  const margin = 0.1 * (box.bottom - box.top);
  const left = Math.max(0, Math.floor(box.left - margin));
  const top = Math.max(0, Math.floor(box.top - margin));
  const right = Math.min(frame.width, Math.ceil(box.right + margin));
  const bottom = Math.min(frame.height, Math.ceil(box.bottom + margin));
  if (right - left < 2 || bottom - top < 2) return reducedFace(frame, landmarks, 1);
  const width = Math.max(1, Math.round((right - left) * scale));
  const height = Math.max(1, Math.round((bottom - top) * scale));
  const source = shrinkArea(frame, left, top, right - left, bottom - top, width, height);
  const sx = width / (right - left);
  const sy = height / (bottom - top);
  for (let i = 0; i < meshPointCount; i++) {
    points[2 * i] = (landmarks[3 * i]! - left) * sx;
    points[2 * i + 1] = (landmarks[3 * i + 1]! - top) * sy;
  }
  return { source, points };
}

/**
 * The mesh triangles that face the viewer in the frame: wound as in the painting. One that flipped is turned away
 * (or folded) and its pixels show some other part of the head, so comparing it would count the turn, not damage.
 */
function facingTriangles(framePoints: Float32Array, paintingPoints: Float32Array): Uint32Array {
  const kept = new Uint32Array(meshTriangles.length);
  let count = 0;
  for (let t = 0; t < meshTriangles.length; t += 3) {
    const a = meshTriangles[t]!;
    const b = meshTriangles[t + 1]!;
    const c = meshTriangles[t + 2]!;
    const inFrame = signedArea(framePoints, a, b, c);
    const inPainting = signedArea(paintingPoints, a, b, c);
    if (inFrame * inPainting <= 0) continue;
    kept[count++] = a;
    kept[count++] = b;
    kept[count++] = c;
  }
  return kept.subarray(0, count);
}

function signedArea(points: Float32Array, a: number, b: number, c: number): number {
  const ax = points[2 * a]!;
  const ay = points[2 * a + 1]!;
  return (points[2 * b]! - ax) * (points[2 * c + 1]! - ay) - (points[2 * b + 1]! - ay) * (points[2 * c]! - ax);
}

/** Squared ΔE below which a neighbour counts as a match and the search stops: ΔE 1, under a visible change (about 2.3). */
const closeEnough = 1;

/** Bins of the ΔE histogram the percentile is read from: 0.05 wide, up to ΔE 200 (beyond counts as 200). */
const BIN = 0.05;
const BINS = 4000;

function compare(reference: DamageReference, warped: RgbaImage): FrameDamage | undefined {
  const { region, lab: paintingLab, neighbours } = reference;
  const { data } = warped;
  // Lab of the warped pixels the comparison can reach, and no others: the conversion is much of the cost.
  const frameLab = new Float32Array(reference.lab.length);
  const pixel = new Float32Array(3);
  for (const p of reference.reach) {
    if (data[4 * p + 3] !== 255) continue;
    rgbToLab(data[4 * p]!, data[4 * p + 1]!, data[4 * p + 2]!, pixel);
    frameLab[3 * p] = pixel[0]!;
    frameLab[3 * p + 1] = pixel[1]!;
    frameLab[3 * p + 2] = pixel[2]!;
  }
  const histogram = new Uint32Array(BINS + 1);
  let total = 0;
  let count = 0;
  for (let i = 0; i < region.length; i++) {
    const p = region[i]!;
    if (data[4 * p + 3] !== 255) continue;
    // Landmarks found in two pictures disagree by a pixel or two: each side only has to match something within the
    // tolerance of it on the other, so a misregistered edge costs little while a blotch, a tear or a lost edge does.
    const fl = frameLab[3 * p]!;
    const fa = frameLab[3 * p + 1]!;
    const fb = frameLab[3 * p + 2]!;
    const pl = paintingLab[3 * p]!;
    const pa = paintingLab[3 * p + 1]!;
    const pb = paintingLab[3 * p + 2]!;
    // Neighbours run nearest first, so a pixel that matches close by stops early: below `closeEnough` the exact
    // minimum no longer matters to the figure.
    let frameToPainting = Infinity;
    for (let n = 0; n < neighbours.length && frameToPainting > closeEnough; n++) {
      const q = p + neighbours[n]!;
      const dl = fl - paintingLab[3 * q]!;
      const da = fa - paintingLab[3 * q + 1]!;
      const db = fb - paintingLab[3 * q + 2]!;
      const distance = dl * dl + da * da + db * db;
      if (distance < frameToPainting) frameToPainting = distance;
    }
    let paintingToFrame = Infinity;
    for (let n = 0; n < neighbours.length && paintingToFrame > closeEnough; n++) {
      const q = p + neighbours[n]!;
      if (data[4 * q + 3] !== 255) continue;
      const dl = pl - frameLab[3 * q]!;
      const da = pa - frameLab[3 * q + 1]!;
      const db = pb - frameLab[3 * q + 2]!;
      const distance = dl * dl + da * da + db * db;
      if (distance < paintingToFrame) paintingToFrame = distance;
    }
    const deltaE = Math.sqrt(frameToPainting > paintingToFrame ? frameToPainting : paintingToFrame);
    total += deltaE;
    count++;
    histogram[Math.min(BINS, Math.floor(deltaE / BIN))]!++;
  }
  const coverage = region.length === 0 ? 0 : count / region.length;
  if (count === 0 || coverage < reference.minCoverage) return undefined;
  return { meanDeltaE: total / count, p95DeltaE: percentile(histogram, count, 0.95), coverage };
}

/** The value below which `share` of the counted ΔE lie, to the middle of its bin. */
function percentile(histogram: Uint32Array, count: number, share: number): number {
  const wanted = Math.ceil(share * count);
  let seen = 0;
  for (let bin = 0; bin < histogram.length; bin++) {
    seen += histogram[bin]!;
    if (seen >= wanted) return (bin + 0.5) * BIN;
  }
  return BINS * BIN;
}

/**
 * Where pixels are compared: inside the face oval pulled in by `ovalInset`, outside each eye and the inner mouth
 * grown by `featureMargin`. Growing the holes is eroding their complement, so both steps are one erosion each.
 */
function comparedRegion(width: number, height: number, points: Float32Array, faceHeightPx: number, options: DamageOptions): Uint8Array {
  const oval = fillPolygonMask(width, height, loopPolygon(points, ovalLandmarks));
  erodeMask(oval, (options.ovalInset ?? 0.04) * faceHeightPx, oval);
  const outsideFeatures = { width, height, data: new Uint8Array(width * height).fill(255) };
  for (const loop of [...eyeLoops, innerLip]) {
    const feature = fillPolygonMask(width, height, loopPolygon(points, loop));
    for (let p = 0; p < feature.data.length; p++) if (feature.data[p]! > 0) outsideFeatures.data[p] = 0;
  }
  erodeMask(outsideFeatures, (options.featureMargin ?? 0.03) * faceHeightPx, outsideFeatures);
  const region = new Uint8Array(width * height);
  for (let p = 0; p < region.length; p++) region[p] = oval.data[p]! >= 128 && outsideFeatures.data[p] === 255 ? 1 : 0;
  return region;
}

/** x, y pairs of the landmarks in `loop`, from points given as x, y pairs. */
function loopPolygon(points: Float32Array, loop: readonly number[]): Float32Array {
  const polygon = new Float32Array(loop.length * 2);
  loop.forEach((index, i) => {
    polygon[2 * i] = points[2 * index]!;
    polygon[2 * i + 1] = points[2 * index + 1]!;
  });
  return polygon;
}

/** Bounding box of the landmarks in `loop`, from points given as x, y, z triples. */
function loopBox(landmarks: Float32Array, loop: readonly number[]): { left: number; top: number; right: number; bottom: number } {
  const box = { left: Infinity, top: Infinity, right: -Infinity, bottom: -Infinity };
  for (const index of loop) {
    const x = landmarks[3 * index]!;
    const y = landmarks[3 * index + 1]!;
    box.left = Math.min(box.left, x);
    box.right = Math.max(box.right, x);
    box.top = Math.min(box.top, y);
    box.bottom = Math.max(box.bottom, y);
  }
  return box;
}

/**
 * The box (left, top, width, height) of `image` resized to outWidth x outHeight, each output pixel the area-weighted
 * mean of the source pixels it covers (enlarging falls back to a one-pixel window, i.e. bilinear). Separable, so a face
 * crop takes a millisecond or two where the general resize takes tens.
 */
function shrinkArea(image: RgbaImage, left: number, top: number, width: number, height: number, outWidth: number, outHeight: number): RgbaImage {
  const columns = areaWeights(width, outWidth);
  const rows = areaWeights(height, outHeight);
  // Horizontal pass over the box's rows into floats, then the vertical pass into bytes.
  const across = new Float32Array(outWidth * height * 4);
  const source = image.data;
  for (let y = 0; y < height; y++) {
    const row = ((top + y) * image.width + left) * 4;
    for (let x = 0; x < outWidth; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let k = 0, i = row + columns.first[x]! * 4, w = x * columns.taps; k < columns.taps; k++, i += 4, w++) {
        const weight = columns.weights[w]!;
        if (weight === 0) break;
        r += source[i]! * weight;
        g += source[i + 1]! * weight;
        b += source[i + 2]! * weight;
        a += source[i + 3]! * weight;
      }
      const o = (y * outWidth + x) * 4;
      across[o] = r;
      across[o + 1] = g;
      across[o + 2] = b;
      across[o + 3] = a;
    }
  }
  const stride = outWidth * 4;
  const data = new Uint8Array(outWidth * outHeight * 4);
  const sums = new Float32Array(stride);
  for (let y = 0; y < outHeight; y++) {
    sums.fill(0);
    for (let k = 0, w = y * rows.taps; k < rows.taps; k++, w++) {
      const weight = rows.weights[w]!;
      if (weight === 0) break;
      const from = (rows.first[y]! + k) * stride;
      for (let x = 0; x < stride; x++) sums[x]! += across[from + x]! * weight;
    }
    const to = y * stride;
    for (let x = 0; x < stride; x++) data[to + x] = sums[x]! + 0.5;
  }
  return { width: outWidth, height: outHeight, data };
}

/**
 * For each of `count` output cells over `length` source pixels: the first source pixel it covers and `taps` weights
 * from there (summing to 1, zero-padded at the end).
 */
function areaWeights(length: number, count: number): { first: Int32Array; taps: number; weights: Float32Array } {
  const step = length / count;
  const taps = Math.ceil(Math.max(step, 1)) + 1;
  const first = new Int32Array(count);
  const weights = new Float32Array(count * taps);
  for (let i = 0; i < count; i++) {
    // Enlarging: a window one source pixel wide round the cell's centre, clamped to the line.
    const start = step >= 1 ? i * step : Math.min(Math.max((i + 0.5) * step - 0.5, 0), length - 1);
    const end = step >= 1 ? Math.min(length, (i + 1) * step) : Math.min(length, start + 1);
    first[i] = Math.floor(start);
    const last = Math.min(length, Math.ceil(end));
    for (let k = 0; first[i]! + k < last && k < taps; k++) {
      const pixel = first[i]! + k;
      weights[i * taps + k] = (Math.min(end, pixel + 1) - Math.max(start, pixel)) / (end - start);
    }
  }
  return { first, taps, weights };
}

/** sRGB byte -> linear light, once for all 256 values. */
const linear = Float32Array.from({ length: 256 }, (_, v) => {
  const c = v / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
});

/** CIELAB (D65 white) of an sRGB pixel, into out[0..2]. */
function rgbToLab(r: number, g: number, b: number, out: Float32Array): void {
  const lr = linear[r]!;
  const lg = linear[g]!;
  const lb = linear[b]!;
  const fx = labF((0.4124564 * lr + 0.3575761 * lg + 0.1804375 * lb) / 0.95047);
  const fy = labF(0.2126729 * lr + 0.7151522 * lg + 0.072175 * lb);
  const fz = labF((0.0193339 * lr + 0.119192 * lg + 0.9503041 * lb) / 1.08883);
  out[0] = 116 * fy - 16;
  out[1] = 500 * (fx - fy);
  out[2] = 200 * (fy - fz);
}

function labF(t: number): number {
  return t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116;
}

function toLab(image: RgbaImage): Float32Array {
  const lab = new Float32Array(image.width * image.height * 3);
  const pixel = new Float32Array(3);
  for (let p = 0; p < image.width * image.height; p++) {
    rgbToLab(image.data[4 * p]!, image.data[4 * p + 1]!, image.data[4 * p + 2]!, pixel);
    lab.set(pixel, 3 * p);
  }
  return lab;
}

export interface DamageSummary {
  /** Mean over scored frames of each frame's mean ΔE. */
  meanDeltaE: number;
  /** Mean over scored frames of each frame's 95th-percentile ΔE. */
  p95DeltaE: number;
  worstP95DeltaE: number;
  /** 0-based index of the frame with the highest p95. */
  worstFrame: number;
  /** Frames scored. */
  frames: number;
  /** Each frame's p95 ΔE rounded to 0.01, by frame index; null where the frame was not scored (no face, turned away). */
  perFrameP95: (number | null)[];
}

/** Sums up per-frame damage (indexed by frame, undefined where not scored); undefined when no frame was scored. */
export function summariseDamage(perFrame: readonly (FrameDamage | undefined)[]): DamageSummary | undefined {
  let mean = 0;
  let p95 = 0;
  let frames = 0;
  let worstFrame = -1;
  perFrame.forEach((damage, index) => {
    if (!damage) return;
    mean += damage.meanDeltaE;
    p95 += damage.p95DeltaE;
    frames++;
    if (worstFrame < 0 || damage.p95DeltaE > perFrame[worstFrame]!.p95DeltaE) worstFrame = index;
  });
  if (frames === 0) return undefined;
  const round2 = (value: number) => Math.round(value * 100) / 100;
  return {
    meanDeltaE: round2(mean / frames),
    p95DeltaE: round2(p95 / frames),
    worstP95DeltaE: round2(perFrame[worstFrame]!.p95DeltaE),
    worstFrame,
    frames,
    perFrameP95: perFrame.map((damage) => (damage ? round2(damage.p95DeltaE) : null)),
  };
}
