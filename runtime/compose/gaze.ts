import { eyeIrises, gazeOffsets } from '../eval/face-motion.ts';
import { eyeContours } from '../face-topology.ts';
import type { Mask, RgbaImage } from '../image.ts';
import { erodeMask, featherMask } from './mask-ops.ts';
import { fillPolygonMask } from './polygon-mask.ts';

/*
 * A painted iris is paint on the eyeball, not a part the face mesh can slide: warped after the driver's irises, the
 * eye squashes. So each painted eye is taken apart once into two layers, the eyeball with the iris painted out
 * (filled from the sclera around it, keeping its shading) and the iris alone (its part under the lids completed),
 * and for each frame the iris is laid back over the eyeball shifted by the gaze, between the lids only: the lids and
 * lashes are never redrawn. On paintings the landmarks sit only roughly on the iris and lids, so the iris circle
 * and the lid lines are first read off the picture itself, near where the landmarks put them.
 */

export { gazeOffsets };

/** A gaze offset in eye widths: x along the eye (towards the image's right), y across it (downwards). */
export interface Gaze {
  x: number;
  y: number;
}

interface Point {
  x: number;
  y: number;
}

/** One painted eye taken apart, made once per painting by `paintedIrises`. */
export interface PaintedIris {
  /** The eye's corners in the painting, in the order of `eyeIrises`' corners. */
  corners: [Point, Point];
  /** The iris circle in the painting, as fitted to the paint. */
  centre: Point;
  radius: number;
  /** How far the painted lid lines lie beyond the landmarks' (pixels across the eye, + downwards), upper and lower. */
  lidOffsets: [number, number];
  /** The crop of the painting the layers cover. */
  crop: { left: number; top: number; width: number; height: number };
  /** RGB per crop pixel: the eyeball with the iris painted out. */
  eyeball: Float32Array;
  /** RGBA per crop pixel, colour premultiplied: the iris disc and a thin rim of sclera round it. */
  iris: Float32Array;
}

export interface IrisOptions {
  /** Eyes whose lid gap is under this share of their width are left alone: too little shows to move. */
  minOpening?: number;
}

/**
 * Below this width in pixels an eye is left as painted: an iris a few pixels across cannot be told from the lashes
 * and shadow around it, and taking such an eye apart paints out more than the iris it finds (s0's 18-pixel eyes went
 * blank white when driven by crossed eyes).
 */
const minEyeWidth = 24;

/**
 * Takes each painted eye apart (undefined for one too small or too closed), in the order of face-regions'
 * `eyeContours` and `gazeOffsets`. `points` are the painting's 478 landmarks, x, y, z in pixels.
 */
export function paintedIrises(painting: RgbaImage, points: Float32Array, options: IrisOptions = {}): (PaintedIris | undefined)[] {
  const minOpening = options.minOpening ?? 0.12;
  return eyeIrises.map((eye, index) => {
    const at = (i: number): Point => ({ x: points[i * 3]!, y: points[i * 3 + 1]! });
    const corners: [Point, Point] = [at(eye.corners[0]), at(eye.corners[1])];
    const frame = eyeFrame(corners);
    const gap = eyeContours[index]!.gap;
    if (!(frame.width >= minEyeWidth) || !(distance(at(gap[0]), at(gap[1])) >= minOpening * frame.width)) return undefined;
    const guess = at(eye.centre);
    const guessRadius = eye.ring.reduce((sum, i) => sum + distance(at(i), guess), 0) / eye.ring.length;
    if (!(guessRadius > 1)) return undefined;
    const lids = landmarkLids(points, index, frame);
    const circle = fitIris(painting, frame, frame.toEye(guess), guessRadius, lids);
    const lidOffsets = fitLids(painting, frame, lids, circle);
    const centre = frame.toImage(circle.u, circle.v);
    const parts = layers(painting, opening(frame, lids, lidOffsets), centre, circle.radius);
    return parts && { corners, centre, radius: circle.radius, lidOffsets, ...parts };
  });
}

/**
 * Moves each iris of `image` (in place) by `gaze[eye]`, in eye widths relative to where the painting looks, keeping
 * it within the eye. `irises` come from `paintedIrises`. `points` say where the eye is in `image`: the painting's
 * own landmarks to move the irises in the painting before warping it, or the warped landmarks to move them in a
 * warped frame (the painted eyeball is then laid along the frame's eye corners, and drawn only between its lids).
 * Pixels beyond the lids are untouched.
 */
export function moveIrises(image: RgbaImage, irises: readonly (PaintedIris | undefined)[], points: Float32Array, gaze: readonly Gaze[], options: IrisOptions = {}): void {
  const minOpening = options.minOpening ?? 0.1;
  irises.forEach((iris, index) => {
    const offset = gaze[index];
    if (!iris || !offset || !(offset.x !== 0 || offset.y !== 0)) return;
    const at = (i: number): Point => ({ x: points[i * 3]!, y: points[i * 3 + 1]! });
    const corners = eyeIrises[index]!.corners.map(at) as [Point, Point];
    const frame = eyeFrame(corners);
    const gap = eyeContours[index]!.gap;
    if (!(frame.width >= minEyeWidth) || !(distance(at(gap[0]), at(gap[1])) >= minOpening * frame.width)) return;
    const toImage = similarity(iris.corners, corners);
    const scale = Math.hypot(toImage.a, toImage.b);
    const lids = landmarkLids(points, index, frame);
    const outline = opening(frame, lids, [iris.lidOffsets[0] * scale, iris.lidOffsets[1] * scale]);
    const centre = frame.toEye(apply(toImage, iris.centre));
    const shift = clampedShift(frame, lids, iris.lidOffsets.map((o) => o * scale) as [number, number], centre, iris.radius * scale, offset);
    drawEye(image, iris, outline, inverse(toImage), shift);
  });
}

/** The eye's own frame: u along the corners from their midpoint (towards the second), v across (downwards), in pixels. */
interface EyeFrame {
  width: number;
  toEye(p: Point): { u: number; v: number };
  toImage(u: number, v: number): Point;
}

function eyeFrame([a, b]: [Point, Point]): EyeFrame {
  const width = distance(a, b);
  const along = width > 0 ? { x: (b.x - a.x) / width, y: (b.y - a.y) / width } : { x: 1, y: 0 };
  const middle = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
  return {
    width,
    toEye: (p) => ({ u: (p.x - middle.x) * along.x + (p.y - middle.y) * along.y, v: (p.y - middle.y) * along.x - (p.x - middle.x) * along.y }),
    toImage: (u, v) => ({ x: middle.x + u * along.x - v * along.y, y: middle.y + u * along.y + v * along.x }),
  };
}

/** The lid lines in the eye's frame, corner to corner, sorted along the eye: [upper, lower], as {x: u, y: v}. */
type Lids = [Point[], Point[]];

function landmarkLids(points: Float32Array, index: number, frame: EyeFrame): Lids {
  const contour = eyeContours[index]!;
  const corners = eyeIrises[index]!.corners;
  const line = (indices: readonly number[]) =>
    [...new Set([corners[0], corners[1], ...indices])]
      .map((i) => frame.toEye({ x: points[i * 3]!, y: points[i * 3 + 1]! }))
      .map(({ u, v }) => ({ x: u, y: v }))
      .sort((p, q) => p.x - q.x);
  return [line(contour.upper), line(contour.lower)];
}

/** How far a lid offset applies at `u`: fully over the eye, easing to nothing at the corners, where the lids meet. */
function offsetShare(frame: EyeFrame, u: number): number {
  return clamp((frame.width / 2 - Math.abs(u)) / (0.15 * frame.width), 0, 1);
}

/** The eye opening in picture coordinates: the lids moved by their offsets, as x,y pairs. */
function opening(frame: EyeFrame, [upper, lower]: Lids, [upperOffset, lowerOffset]: [number, number]): number[] {
  const outline: number[] = [];
  const add = (p: Point, offset: number) => {
    const at = frame.toImage(p.x, p.y + offset * offsetShare(frame, p.x));
    outline.push(at.x, at.y);
  };
  for (const p of upper) add(p, upperOffset);
  for (const p of [...lower].reverse().slice(1, -1)) add(p, lowerOffset);
  return outline;
}

/**
 * The iris circle in the eye's frame. Along lines through the landmarks' guess parallel to the eye, the iris ends
 * at the sharpest brightening between 0.7 and 1.6 guessed radii out, the limbus (the pupil's edge lies nearer; the
 * median over lines ignores a catchlight on the rim); its height comes the same way from its lower or upper edge,
 * where one shows between the lids. Where the sclera is not clearly brighter than the iris, or a reading is
 * implausible, the guess stands.
 */
function fitIris(image: RgbaImage, frame: EyeFrame, guess: { u: number; v: number }, guessRadius: number, [upper, lower]: Lids): { u: number; v: number; radius: number } {
  const lum = (u: number, v: number) => {
    const p = frame.toImage(u, v);
    return luminance(image, p.x, p.y);
  };
  const half = frame.width / 2;
  const guessed = { u: guess.u, v: guess.v, radius: guessRadius };
  const lines = [-0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3].map((share) => guess.v + share * guessRadius);
  const eyeSamples: number[] = [];
  const irisSamples: number[] = [];
  for (const v of lines) {
    for (let u = -half; u <= half; u += 0.5) {
      // The iris's outer part: the pupil would set the bar too low for a light iris.
      const fromGuess = Math.abs(u - guess.u) / guessRadius;
      if (fromGuess > 0.5 && fromGuess < 0.9) irisSamples.push(lum(u, v));
      eyeSamples.push(lum(u, v));
    }
  }
  const iris = quantile(irisSamples, 0.5);
  const sclera = quantile(eyeSamples, 0.9);
  if (!(sclera - iris > 25)) return guessed;
  const minRise = 0.25 * (sclera - iris);
  /** Where, going from `from` along `step` (a unit step in u, v) from `near` to `far`, the picture brightens most sharply. */
  const edge = (from: { u: number; v: number }, step: { u: number; v: number }, near: number, far: number) => {
    let best = { t: 0, rise: minRise };
    for (let t = near; t <= far; t += 0.5) {
      const rise = lum(from.u + step.u * (t + 1), from.v + step.v * (t + 1)) - lum(from.u + step.u * (t - 1), from.v + step.v * (t - 1));
      if (rise > best.rise) best = { t, rise };
    }
    return best.rise > minRise ? best.t : undefined;
  };
  const sideways = (direction: -1 | 1) => {
    const far = Math.min(1.6 * guessRadius, half - direction * guess.u - 1);
    const found = lines.flatMap((v) => {
      const t = edge({ u: guess.u, v }, { u: direction, v: 0 }, 0.7 * guessRadius, far);
      return t === undefined ? [] : [guess.u + direction * t];
    });
    return found.length > lines.length / 2 ? quantile(found, 0.5) : undefined;
  };
  const [left, right] = [sideways(-1), sideways(1)];
  let { u, radius } = guessed;
  if (left !== undefined && right !== undefined) [u, radius] = [(left + right) / 2, (right - left) / 2];
  // One side against a shadowed corner: the guess's centre, wide enough to take in the side that was found.
  else if (left !== undefined || right !== undefined) radius = Math.max(guessRadius, Math.abs((left ?? right)! - guess.u));
  if (!(radius > 0.7 * guessRadius && radius < 1.6 * guessRadius && Math.abs(u - guess.u) < 0.6 * guessRadius)) return guessed;
  // Up and down, from the centre line to the lids: an edge found there fixes the centre's height.
  const heights: number[] = [];
  for (const du of [-0.25, 0, 0.25].map((share) => share * radius)) {
    const rise = Math.sqrt(radius * radius - du * du);
    const down = edge({ u: u + du, v: guess.v }, { u: 0, v: 1 }, 0.6 * rise, Math.min(1.4 * rise, interpolate(lower, u + du) - guess.v - 1));
    if (down !== undefined) heights.push(guess.v + down - rise);
    const up = edge({ u: u + du, v: guess.v }, { u: 0, v: -1 }, 0.6 * rise, Math.min(1.4 * rise, guess.v - interpolate(upper, u + du) - 1));
    if (up !== undefined) heights.push(guess.v - up + rise);
  }
  const v = heights.length >= 2 ? quantile(heights, 0.5) : guess.v;
  return { u, v: Math.abs(v - guess.v) < 0.35 * radius ? v : guess.v, radius };
}

/**
 * How far the painted lid lines lie from the landmarks' (+ downwards): per column beside the iris, the outermost
 * strong edge where the picture brightens into the eyeball; the median over columns, 0 where the paint shows none.
 */
function fitLids(image: RgbaImage, frame: EyeFrame, [upper, lower]: Lids, iris: { u: number; v: number; radius: number }): [number, number] {
  const lum = (u: number, v: number) => {
    const p = frame.toImage(u, v);
    return luminance(image, p.x, p.y);
  };
  const columns: number[] = [];
  for (let u = -0.4 * frame.width; u <= 0.4 * frame.width; u += 1) if (Math.abs(u - iris.u) > iris.radius + 2) columns.push(u);
  const offset = (line: Point[], below: 1 | -1) => {
    const found: number[] = [];
    for (const u of columns) {
      const at = interpolate(line, u);
      const reach = 0.3 * (interpolate(lower, u) - interpolate(upper, u)) + 1;
      // The outermost strong edge: a lid's shadow on the sclera makes a second, inner one.
      const rises: { t: number; rise: number }[] = [];
      for (let t = -reach; t <= reach; t += 0.5) rises.push({ t, rise: below * (lum(u, at + t + 1) - lum(u, at + t - 1)) });
      const strongest = Math.max(...rises.map((r) => r.rise));
      const outer = below > 0 ? rises : [...rises].reverse();
      const best = outer.find((r) => r.rise >= 0.5 * strongest && isPeak(rises, r)) ?? { t: 0, rise: 0 };
      if (best.rise > 20) found.push(best.t);
    }
    return found.length >= 3 ? quantile(found, 0.5) : 0;
  };
  return [offset(upper, 1), offset(lower, -1)];
}

function isPeak(rises: { rise: number }[], r: { rise: number }): boolean {
  const i = rises.indexOf(r);
  return (rises[i - 1]?.rise ?? -Infinity) <= r.rise && (rises[i + 1]?.rise ?? -Infinity) <= r.rise;
}

/**
 * The layers over a crop holding the opening and the iris disc, or undefined where no eyeball shows beside the iris (a
 * slit, a statue's eye): nothing to fill the iris's place from.
 */
function layers(painting: RgbaImage, outline: number[], centre: Point, radius: number): Pick<PaintedIris, 'crop' | 'eyeball' | 'iris'> | undefined {
  const reach = irisReach(radius) + 2;
  let [left, top, right, bottom] = [centre.x - reach, centre.y - reach, centre.x + reach, centre.y + reach];
  for (let i = 0; i + 1 < outline.length; i += 2) {
    [left, right] = [Math.min(left, outline[i]!), Math.max(right, outline[i]!)];
    [top, bottom] = [Math.min(top, outline[i + 1]!), Math.max(bottom, outline[i + 1]!)];
  }
  const crop = {
    left: Math.max(0, Math.floor(left) - 2),
    top: Math.max(0, Math.floor(top) - 2),
    width: 0,
    height: 0,
  };
  crop.width = Math.max(1, Math.min(painting.width, Math.ceil(right) + 2) - crop.left);
  crop.height = Math.max(1, Math.min(painting.height, Math.ceil(bottom) + 2) - crop.top);
  const local = outline.map((value, i) => value - (i % 2 === 0 ? crop.left : crop.top));
  const open = fillPolygonMask(crop.width, crop.height, local);
  // Clean eyeball: a pixel in from the lid line, clear of the lashes' anti-aliased edge.
  const clean = erodeMask(open, 1).data;
  const colour = (x: number, y: number, c: number) => painting.data[((crop.top + y) * painting.width + crop.left + x) * 4 + c]!;
  const fromIris = (x: number, y: number) => Math.hypot(crop.left + x + 0.5 - centre.x, crop.top + y + 0.5 - centre.y);
  const ball = eyeball(crop, open.data, clean, colour, fromIris, radius);
  return ball && { crop, eyeball: ball, iris: irisLayer(crop, open, colour, centre, radius) };
}

/** The iris layer reaches a little past the fitted circle, so the dark limbus moves with it rather than stay behind. */
function irisReach(radius: number): number {
  return radius + Math.max(1, 0.08 * radius);
}

type Crop = PaintedIris['crop'];

/**
 * The eyeball with the iris painted out: the disc is filled smoothly from the clean sclera round it (each pixel the
 * mean of its neighbours, the lids not taking part), so what the iris uncovers carries the sclera's shading. Undefined
 * where no clean sclera lies outside the iris: a fill from nothing would be a blank white eye (s6's statue, whose
 * slit of an eye showed a white patch when the driver opened hers wide).
 */
function eyeball(
  crop: Crop,
  open: Uint8Array,
  clean: Uint8Array,
  colour: (x: number, y: number, c: number) => number,
  fromIris: (x: number, y: number) => number,
  radius: number,
): Float32Array | undefined {
  const { width, height } = crop;
  const hole = irisReach(radius) + irisSoftness(radius) + 0.5;
  const layer = new Float32Array(width * height * 3);
  // 0: kept as painted and left out of the fill (lids), 1: clean sclera the fill comes from, 2: filled.
  const role = new Uint8Array(width * height);
  const known: number[][] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      for (let c = 0; c < 3; c++) layer[i * 3 + c] = colour(x, y, c);
      if (fromIris(x, y) <= hole && open[i]! > 0) role[i] = 2;
      else if (clean[i] === 255) role[i] = 1;
      if (role[i] === 1) known.push([colour(x, y, 0), colour(x, y, 1), colour(x, y, 2)]);
    }
  }
  if (known.length === 0) return undefined;
  const start = brighterMean(known);
  for (let i = 0; i < role.length; i++) if (role[i] === 2) layer.set(start, i * 3);
  // Over-relaxed Gauss-Seidel: converges in far fewer sweeps than plain averaging on an iris-sized hole.
  const sweeps = Math.ceil(4 * hole) + 20;
  for (let sweep = 0; sweep < sweeps; sweep++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = y * width + x;
        if (role[i] !== 2) continue;
        let count = 0;
        const sum = [0, 0, 0];
        for (const j of [x > 0 ? i - 1 : -1, x + 1 < width ? i + 1 : -1, y > 0 ? i - width : -1, y + 1 < height ? i + width : -1]) {
          if (j < 0 || role[j] === 0) continue;
          for (let c = 0; c < 3; c++) sum[c]! += layer[j * 3 + c]!;
          count++;
        }
        if (count > 0) for (let c = 0; c < 3; c++) layer[i * 3 + c]! += 1.8 * (sum[c]! / count - layer[i * 3 + c]!);
      }
    }
  }
  return layer;
}

/** The mean of the brighter half of the sclera's colours (shadowed corners and lashes are darker). */
function brighterMean(colours: number[][]): [number, number, number] {
  const sorted = colours.sort((p, q) => q[0]! + q[1]! + q[2]! - (p[0]! + p[1]! + p[2]!)).slice(0, Math.ceil(colours.length / 2));
  return [0, 1, 2].map((c) => sorted.reduce((sum, p) => sum + p[c]!, 0) / sorted.length) as [number, number, number];
}

/**
 * The iris disc as a premultiplied RGBA layer with a soft edge. Its part under the lids is carried out along the
 * radius from the nearest visible point towards the centre (an iris is streaked radially), else from the nearest
 * visible pixel of its column or of the nearest column that has one, so a shifted iris shows no lid-shaped cut
 * where the lid now sits higher.
 */
function irisLayer(crop: Crop, open: Mask, colour: (x: number, y: number, c: number) => number, centre: Point, radius: number): Float32Array {
  const { width, height } = crop;
  const [reach, soft] = [irisReach(radius), irisSoftness(radius)];
  const layer = new Float32Array(width * height * 4);
  // Local coordinates of the centre, at pixel centres.
  const [cx, cy] = [centre.x - crop.left - 0.5, centre.y - crop.top - 0.5];
  const fromIris = (x: number, y: number) => Math.hypot(x - cx, y - cy);
  // Two pixels in from the lid line: its lashes and shadow must not travel with the iris.
  const deep = erodeMask(open, 2).data;
  const visible = (x: number, y: number) => x >= 0 && y >= 0 && x < width && y < height && deep[y * width + x] === 255 && fromIris(x, y) <= reach + soft;
  const columns = Array.from({ length: width }, (_, x) => Array.from({ length: height }, (_, y) => y).filter((y) => visible(x, y)));
  const filled = columns.flatMap((column, x) => (column.length > 0 ? [x] : []));
  if (filled.length === 0) return layer;
  const inwards = (x: number, y: number): [number, number] | undefined => {
    const distance = fromIris(x, y);
    for (let t = distance; t > 0; t -= 0.5) {
      const [sx, sy] = [Math.round(cx + ((x - cx) * t) / distance), Math.round(cy + ((y - cy) * t) / distance)];
      if (visible(sx, sy)) return [sx, sy];
    }
    return undefined;
  };
  for (let x = 0; x < width; x++) {
    const source = columns[x]!.length > 0 ? x : closest(filled, x);
    for (let y = 0; y < height; y++) {
      const alpha = clamp((reach + soft - fromIris(x, y)) / soft, 0, 1);
      if (alpha === 0) continue;
      const [fx, fy] = visible(x, y) ? [x, y] : (inwards(x, y) ?? [source, closest(columns[source]!, y)]);
      const i = (y * width + x) * 4;
      for (let c = 0; c < 3; c++) layer[i + c] = colour(fx, fy, c) * alpha;
      layer[i + 3] = alpha;
    }
  }
  return layer;
}

/** The width of the iris layer's soft edge: a pixel, more on a large iris, so its rim never looks cut out. */
function irisSoftness(radius: number): number {
  return Math.max(1, 0.12 * radius);
}

function closest(sorted: number[], value: number): number {
  return sorted.reduce((best, candidate) => (Math.abs(candidate - value) < Math.abs(best - value) ? candidate : best));
}

/**
 * The gaze as a shift in picture pixels, limited so the iris centre keeps most of a radius from the corners and
 * stays between the lids: only the iris moves, so it must not vanish under lids that do not follow it. A painting
 * that already looks further than that is never pulled back.
 */
function clampedShift(frame: EyeFrame, [upper, lower]: Lids, [upperOffset, lowerOffset]: [number, number], centre: { u: number; v: number }, radius: number, gaze: Gaze): Point {
  const half = frame.width / 2;
  const limit = Math.max(0, half - 0.9 * radius);
  const u = clamp(centre.u + gaze.x * frame.width, Math.min(centre.u, -limit), Math.max(centre.u, limit));
  const share = offsetShare(frame, u);
  const top = interpolate(upper, u) + upperOffset * share + 0.2 * radius;
  const bottom = interpolate(lower, u) + lowerOffset * share - 0.2 * radius;
  const v = clamp(centre.v + gaze.y * frame.width, Math.min(centre.v, top), Math.max(centre.v, bottom));
  const [from, to] = [frame.toImage(centre.u, centre.v), frame.toImage(u, v)];
  return { x: to.x - from.x, y: to.y - from.y };
}

/**
 * Redraws the eyeball between the lids of `outline`: the painted-out eyeball where it was, the iris shifted, both
 * laid along the eye by `toPainting`'s inverse. A pixel-wide feather inside the lid line keeps the lashes as they were.
 */
function drawEye(image: RgbaImage, iris: PaintedIris, outline: number[], toPainting: Similarity, shift: Point): void {
  let [left, top, right, bottom] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i + 1 < outline.length; i += 2) {
    [left, right] = [Math.min(left, outline[i]!), Math.max(right, outline[i]!)];
    [top, bottom] = [Math.min(top, outline[i + 1]!), Math.max(bottom, outline[i + 1]!)];
  }
  const x0 = Math.max(0, Math.floor(left) - 1);
  const y0 = Math.max(0, Math.floor(top) - 1);
  const width = Math.min(image.width, Math.ceil(right) + 1) - x0;
  const height = Math.min(image.height, Math.ceil(bottom) + 1) - y0;
  if (!(width > 0 && height > 0 && Number.isFinite(left + right + top + bottom))) return;
  const mask = featherMask(
    fillPolygonMask(
      width,
      height,
      outline.map((value, i) => value - (i % 2 === 0 ? x0 : y0)),
    ),
    1,
    1,
  ).data;
  const ball = [0, 0, 0];
  const disc = [0, 0, 0, 0];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const weight = mask[y * width + x]! / 255;
      if (weight === 0) continue;
      const [px, py] = [x0 + x + 0.5, y0 + y + 0.5];
      const still = apply(toPainting, { x: px, y: py });
      const moved = apply(toPainting, { x: px - shift.x, y: py - shift.y });
      sample(iris.eyeball, 3, iris.crop, still, ball);
      sample(iris.iris, 4, iris.crop, moved, disc);
      const at = ((y0 + y) * image.width + x0 + x) * 4;
      for (let c = 0; c < 3; c++) {
        const drawn = ball[c]! * (1 - disc[3]!) + disc[c]!;
        image.data[at + c] = Math.round(image.data[at + c]! + (drawn - image.data[at + c]!) * weight);
      }
    }
  }
}

/** Bilinear sample of a crop layer at picture coordinates; off the crop, its edge carries on. */
function sample(layer: Float32Array, channels: number, crop: Crop, p: Point, out: number[]): void {
  const fx = clamp(p.x - crop.left - 0.5, 0, crop.width - 1);
  const fy = clamp(p.y - crop.top - 0.5, 0, crop.height - 1);
  const xa = Math.floor(fx);
  const ya = Math.floor(fy);
  const xb = Math.min(xa + 1, crop.width - 1);
  const yb = Math.min(ya + 1, crop.height - 1);
  const tx = fx - xa;
  const ty = fy - ya;
  for (let c = 0; c < channels; c++) {
    const upper = layer[(ya * crop.width + xa) * channels + c]! * (1 - tx) + layer[(ya * crop.width + xb) * channels + c]! * tx;
    const lower = layer[(yb * crop.width + xa) * channels + c]! * (1 - tx) + layer[(yb * crop.width + xb) * channels + c]! * tx;
    out[c] = upper * (1 - ty) + lower * ty;
  }
}

/** Bilinear luminance at picture coordinates; the image's edge carries on past it. */
function luminance(image: RgbaImage, x: number, y: number): number {
  const fx = clamp(x - 0.5, 0, image.width - 1);
  const fy = clamp(y - 0.5, 0, image.height - 1);
  const xa = Math.floor(fx);
  const ya = Math.floor(fy);
  const at = (px: number, py: number) => {
    const i = (Math.min(py, image.height - 1) * image.width + Math.min(px, image.width - 1)) * 4;
    return 0.299 * image.data[i]! + 0.587 * image.data[i + 1]! + 0.114 * image.data[i + 2]!;
  };
  const [tx, ty] = [fx - xa, fy - ya];
  return (at(xa, ya) * (1 - tx) + at(xa + 1, ya) * tx) * (1 - ty) + (at(xa, ya + 1) * (1 - tx) + at(xa + 1, ya + 1) * tx) * ty;
}

/** The polyline's y at x (x-sorted points), held level past its ends. */
function interpolate(line: readonly Point[], x: number): number {
  if (x <= line[0]!.x) return line[0]!.y;
  for (let i = 1; i < line.length; i++) {
    const [p, q] = [line[i - 1]!, line[i]!];
    if (x <= q.x) return q.x - p.x < 1e-6 ? q.y : p.y + ((x - p.x) * (q.y - p.y)) / (q.x - p.x);
  }
  return line[line.length - 1]!.y;
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round((sorted.length - 1) * q)))] ?? 0;
}

/** x' = a x - b y + e, y' = b x + a y + f: rotation, uniform scale and shift, as two points fix it. */
interface Similarity {
  a: number;
  b: number;
  e: number;
  f: number;
}

/** The similarity taking `from`'s two points onto `to`'s: the painted eye laid along the eye as it is now. */
function similarity(from: [Point, Point], to: [Point, Point]): Similarity {
  const dx = from[1].x - from[0].x;
  const dy = from[1].y - from[0].y;
  const tx = to[1].x - to[0].x;
  const ty = to[1].y - to[0].y;
  const norm = dx * dx + dy * dy || 1;
  // (tx + i ty) / (dx + i dy) as complex numbers.
  const a = (tx * dx + ty * dy) / norm;
  const b = (ty * dx - tx * dy) / norm;
  return { a, b, e: to[0].x - (a * from[0].x - b * from[0].y), f: to[0].y - (b * from[0].x + a * from[0].y) };
}

function inverse({ a, b, e, f }: Similarity): Similarity {
  const norm = a * a + b * b || 1;
  const [ia, ib] = [a / norm, -b / norm];
  return { a: ia, b: ib, e: -(ia * e - ib * f), f: -(ib * e + ia * f) };
}

function apply({ a, b, e, f }: Similarity, p: Point): Point {
  return { x: a * p.x - b * p.y + e, y: b * p.x + a * p.y + f };
}

function distance(p: Point, q: Point): number {
  return Math.hypot(p.x - q.x, p.y - q.y);
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}
