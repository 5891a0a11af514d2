import type { Mask, RgbaImage } from '../image.ts';
import { blurMask } from './mask-ops.ts';
import { fillPolygonMask } from './polygon-mask.ts';
import { cropAround, polygonBounds, smoothstep } from './region.ts';

/*
 * A painting's closed mouth has no inside to show, so when the lips part one is painted: a dark,
 * warm cavity (the lip colour, much darker, darkest at the back), the upper front teeth as an
 * ivory band hanging from the upper lip, and at wide openings the tongue's back rising from below.
 * All its colours derive from the painting's own lip and skin colours so it sits in the palette.
 * Everything is shaded by smooth ramps, not drawn with hard lines: a painted look, not a render.
 */

type Rgb = readonly [r: number, g: number, b: number];

export interface MouthCavityOptions {
  /** x,y pairs along the upper inner lip, left to right: the teeth hang from it. */
  upperLip: ArrayLike<number>;
  /** The painting's lip colour: the cavity is a much darker version of it. */
  lipColor: Rgb;
  /** The painting's skin colour: it tints the teeth so they fit the palette. */
  skinColor: Rgb;
  /** 0 closed (nothing painted) .. 1 wide open: how strongly the cavity, teeth and tongue show. */
  openness: number;
}

/** Below this openness the interior fades in rather than popping on. */
const FADE_IN_OPENNESS = 0.12;

/**
 * Paints the inside of an open mouth onto `image` in place, inside the closed `innerLip` polygon
 * (x,y pairs, pixel coordinates as in draw/raster.ts). Pixels outside the polygon are untouched;
 * its edge is softened on the inside, so the lips' own border stays as painted.
 */
export function paintMouthCavity(image: RgbaImage, innerLip: ArrayLike<number>, options: MouthCavityOptions): void {
  const strength = smoothstep(0, FADE_IN_OPENNESS, Math.min(options.openness, 1));
  if (!(strength > 0)) return;
  const bounds = polygonBounds(innerLip);
  if (!bounds) return;
  const mouthHeight = bounds.bottom - bounds.top;
  // A soft inner edge (about a pixel on small mouths, a little more on close-ups), and a heavy blur
  // that rises from the lips to the middle: how far back into the mouth a pixel looks.
  const edgeRadius = Math.max(1, Math.round(mouthHeight * 0.04));
  const depthRadius = Math.max(1, Math.round(mouthHeight * 0.3));
  // Room for the blurs to fall to zero beyond the lips, instead of repeating the crop's edge.
  const crop = cropAround(bounds, 3 * depthRadius + 1, image);
  if (!crop) return;
  const local = new Float64Array(innerLip.length - (innerLip.length % 2));
  for (let i = 0; i < local.length; i += 2) {
    local[i] = innerLip[i]! - crop.left;
    local[i + 1] = innerLip[i + 1]! - crop.top;
  }
  const coverage = fillPolygonMask(crop.width, crop.height, local);
  const columns = measureColumns(coverage, options.upperLip, crop.left, crop.top);
  if (columns.widest <= 0 || columns.tallest <= 0) return;

  const openness = Math.min(Math.max(options.openness, 0), 1);
  const mouthWidth = columns.right - columns.left;
  const edge = blurMask(coverage, edgeRadius);
  const depth = blurMask(coverage, depthRadius);

  const palette = mouthPalette(options.lipColor, options.skinColor);
  const teeth = teethShape(columns, mouthWidth, openness);
  const tongue = tongueShape(columns, mouthWidth, openness);
  const color = [0, 0, 0];
  const data = image.data;
  for (let y = 0; y < crop.height; y++) {
    for (let x = 0; x < crop.width; x++) {
      const cell = y * crop.width + x;
      const covered = coverage.data[cell]!;
      if (covered === 0) continue;
      const alpha = strength * (covered / 255) * Math.min(1, (edge.data[cell]! / 255) * 1.6);
      const across = (x + 0.5 - columns.centreX) / (mouthWidth / 2);
      const down = (y + 0.5 - columns.top[x]!) / Math.max(columns.bottom[x]! - columns.top[x]!, 1);
      const back = smoothstep(0.45, 0.95, depth.data[cell]! / 255);
      cavityColor(palette, back, down, openness, color);
      tongue.paint(x + 0.5, y + 0.5, across, palette, color);
      teeth.paint(x + 0.5, y + 0.5, across, palette, color);
      const at = ((crop.top + y) * image.width + crop.left + x) * 4;
      for (let c = 0; c < 3; c++) data[at + c] = Math.round(data[at + c]! + (color[c]! - data[at + c]!) * alpha);
    }
  }
}

/** Per crop column: where the opening starts and ends, and where the upper lip runs. */
interface Columns {
  /** Top and bottom of the opening (coverage-weighted), and the upper lip's y, per column. */
  top: Float32Array;
  bottom: Float32Array;
  upperLip: Float32Array;
  /** Horizontal extent of the opening and its middle, in crop pixels. */
  left: number;
  right: number;
  centreX: number;
  /** The opening's height at its tallest column, and its width in columns. */
  tallest: number;
  widest: number;
}

function measureColumns(coverage: Mask, upperLip: ArrayLike<number>, offsetX: number, offsetY: number): Columns {
  const { width, height, data } = coverage;
  const top = new Float32Array(width);
  const bottom = new Float32Array(width);
  const lip = new Float32Array(width);
  let left = Infinity;
  let right = -Infinity;
  let tallest = 0;
  for (let x = 0; x < width; x++) {
    let first = -1;
    let covered = 0;
    for (let y = 0; y < height; y++) {
      const value = data[y * width + x]!;
      if (value === 0) continue;
      if (first < 0) first = y + 1 - value / 255;
      covered += value / 255;
    }
    if (first < 0) continue;
    // Coverage adds up to the opening's height in the column; its first row fixes where it starts.
    top[x] = first;
    bottom[x] = first + covered;
    tallest = Math.max(tallest, covered);
    if (covered > 0.5) {
      left = Math.min(left, x);
      right = Math.max(right, x + 1);
    }
  }
  for (let x = 0; x < width; x++) lip[x] = upperLipAt(upperLip, x + 0.5 + offsetX) - offsetY;
  for (let x = 0; x < width; x++) if (!Number.isFinite(lip[x]!)) lip[x] = top[x]!;
  return { top, bottom, upperLip: lip, left, right, centreX: (left + right) / 2, tallest, widest: Math.max(0, right - left) };
}

/** The upper lip's y at `x`, linearly between its points; past its ends, the nearest end's y. */
function upperLipAt(points: ArrayLike<number>, x: number): number {
  const count = Math.floor(points.length / 2);
  if (count === 0) return Number.NaN;
  if (x <= points[0]!) return points[1]!;
  for (let i = 1; i < count; i++) {
    const x1 = points[i * 2]!;
    if (x <= x1) {
      const x0 = points[i * 2 - 2]!;
      const y0 = points[i * 2 - 1]!;
      const y1 = points[i * 2 + 1]!;
      return x1 > x0 ? y0 + ((x - x0) / (x1 - x0)) * (y1 - y0) : y1;
    }
  }
  return points[count * 2 - 1]!;
}

interface Palette {
  /** The cavity just inside the lips, and at the back of the mouth. */
  rim: Rgb;
  deep: Rgb;
  teeth: Rgb;
  tongue: Rgb;
}

function mouthPalette(lip: Rgb, skin: Rgb): Palette {
  // Darkening keeps more red than green and blue: a warm, reddish-brown shadow, never neutral grey.
  const darker = (factor: number): Rgb => [lip[0] * factor, lip[1] * factor * 0.72, lip[2] * factor * 0.72];
  const skinLuma = luma(skin);
  // Teeth: the skin, mostly desaturated and lifted towards ivory, so a dark, warm painting gets dark, warm teeth.
  const teeth = [0, 1, 2].map((c) => {
    const desaturated = skinLuma + (skin[c]! - skinLuma) * 0.35;
    const ivory = [1.0, 0.97, 0.88][c]!;
    return Math.min(240, (desaturated * 1.08 + 18) * ivory);
  });
  return {
    rim: darker(0.5),
    deep: darker(0.13),
    teeth: [teeth[0]!, teeth[1]!, teeth[2]!],
    tongue: [Math.min(255, lip[0] * 0.82), lip[1] * 0.62, lip[2] * 0.66],
  };
}

/** The bare cavity: from the rim's colour at the lips to the deep colour at the back, shadowed under the upper lip. */
function cavityColor(palette: Palette, back: number, down: number, openness: number, out: number[]): void {
  // The upper lip and teeth shade the top of the opening; a wider mouth lets more light reach the bottom.
  const shade = 0.75 + 0.25 * smoothstep(0.1, 0.9, down) * (0.5 + 0.5 * openness);
  const t = Math.min(1, back * (0.6 + 0.4 * openness));
  for (let c = 0; c < 3; c++) out[c] = (palette.rim[c]! + (palette.deep[c]! - palette.rim[c]!) * t) * shade;
}

interface Feature {
  paint(x: number, y: number, across: number, palette: Palette, out: number[]): void;
}

/**
 * The upper front teeth: a band from the upper lip down to an incisal edge that follows the lip's
 * curve, as tall as a share of the opening (most of a narrow gap, a top band of a wide one, never
 * longer than real incisors), fading into shadow towards the corners.
 */
function teethShape(columns: Columns, mouthWidth: number, openness: number): Feature {
  const share = 0.55 - 0.3 * openness;
  const length = Math.min(share * columns.tallest, 0.17 * mouthWidth);
  const softness = Math.max(0.6, length * 0.08);
  const halfWidth = Math.max(mouthWidth / 2, 1);
  const dimming = 0.72 + 0.28 * smoothstep(0.1, 0.5, openness);
  return {
    paint(x, y, across, palette, out) {
      const column = Math.floor(x);
      const side = Math.abs(across);
      if (side >= 1 || length <= 0) return;
      // Each tooth's edge rounds up into the seams beside it; the seams themselves are fine, faint lines.
      const fromSeam = distanceToSeam(side, halfWidth);
      const corner = 1 - smoothstep(0, 0.1 * halfWidth, fromSeam);
      const seam = 1 - smoothstep(0, Math.max(1, 0.04 * halfWidth), fromSeam);
      // Shorter towards the corners, where the arch turns away.
      const columnLength = length * (1 - 0.45 * side * side) * (1 - 0.1 * corner * corner);
      const lipY = Math.max(columns.upperLip[column]!, columns.top[column]!);
      const fromLip = y - lipY;
      const opacity = (1 - smoothstep(columnLength - softness, columnLength + softness, fromLip)) * (1 - smoothstep(0.45, 0.92, side));
      if (opacity <= 0) return;
      const along = Math.max(fromLip, 0) / Math.max(columnLength, 1);
      // The upper lip's shadow at the top, a duller, translucent incisal edge, and less light to the sides.
      let light = (0.6 + 0.4 * smoothstep(0, 0.45, along)) * (1 - 0.12 * smoothstep(0.7, 1, along));
      light *= 1 - 0.5 * side * side;
      // Smaller openings let in less light; seams show mostly towards the edge, where the embrasures open.
      light *= dimming * (1 - 0.12 * seam * (0.3 + 0.7 * along));
      for (let c = 0; c < 3; c++) out[c] = out[c]! + (palette.teeth[c]! * light - out[c]!) * opacity;
    },
  };
}

/** Where neighbouring teeth meet, as shares of the half-width: centrals, laterals, canines. */
const TOOTH_SEAMS = [0, 0.34, 0.62, 0.86];

/** Pixels from the nearest seam between teeth. */
function distanceToSeam(side: number, halfWidth: number): number {
  let nearest = Infinity;
  for (const seam of TOOTH_SEAMS) nearest = Math.min(nearest, Math.abs(side - seam));
  return nearest * halfWidth;
}

/** The back of the tongue, rising from the bottom of a wide-open mouth, fading into the dark behind it. */
function tongueShape(columns: Columns, mouthWidth: number, openness: number): Feature {
  const presence = smoothstep(0.4, 0.85, openness) * 0.9;
  const centreColumn = Math.min(Math.max(Math.floor(columns.centreX), 0), columns.bottom.length - 1);
  const bottom = columns.bottom[centreColumn]!;
  const opening = bottom - columns.top[centreColumn]!;
  const radiusX = 0.4 * mouthWidth;
  const radiusY = 0.5 * opening;
  const centreY = bottom + 0.05 * opening;
  return {
    paint(x, y, _across, palette, out) {
      if (presence <= 0 || radiusY <= 0) return;
      const dx = (x - columns.centreX) / radiusX;
      const dy = (y - centreY) / radiusY;
      const distance = Math.sqrt(dx * dx + dy * dy);
      if (distance >= 1) return;
      // Its crest catches a little light; its sides and the far part sink into the dark.
      const opacity = presence * (1 - smoothstep(0.35, 1, distance));
      const light = 0.5 + 0.4 * (1 - smoothstep(0, 0.9, Math.abs(dx))) * smoothstep(-0.95, -0.3, dy);
      for (let c = 0; c < 3; c++) out[c] = out[c]! + (palette.tongue[c]! * light - out[c]!) * opacity;
    },
  };
}

function luma(color: Rgb): number {
  return 0.299 * color[0] + 0.587 * color[1] + 0.114 * color[2];
}
