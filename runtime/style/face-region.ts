import { type Crop, cropAround, polygonBounds } from '../compose/region.ts';
import { ovalLandmarks } from '../face-topology.ts';
import type { RgbaImage } from '../image.ts';

/** The part of a frame restyled around a face, and how much of the restyled part shows at each of its pixels. */
export interface FaceRegion {
  crop: Crop;
  /** Weight of each column and of each row of the crop: a pixel's weight is their product. */
  columns: Float32Array;
  rows: Float32Array;
}

/**
 * The box around the face oval (hairline, temples, jaw, chin of MediaPipe's points) grown on every side by `margin`
 * times the oval's larger side, clipped to the frame. The margin is context for the network and the band the result
 * is feathered over: weight 1 inside the oval's box, falling along a raised cosine to 0 at the crop's edge, except
 * where the crop meets the frame's own edge, where nothing lies beyond to blend with. Undefined without a usable oval.
 */
export function faceRegion(points: Float32Array, width: number, height: number, margin: number): FaceRegion | undefined {
  const oval = new Float32Array(ovalLandmarks.length * 2);
  ovalLandmarks.forEach((index, i) => {
    oval[i * 2] = points[index * 3] ?? Number.NaN;
    oval[i * 2 + 1] = points[index * 3 + 1] ?? Number.NaN;
  });
  const bounds = polygonBounds(oval);
  if (!bounds) return undefined;
  const band = Math.round(margin * Math.max(bounds.right - bounds.left, bounds.bottom - bounds.top));
  const crop = cropAround(bounds, band, { width, height, data: new Uint8Array(0) } satisfies RgbaImage);
  if (!crop || crop.width < 8 || crop.height < 8) return undefined;
  return {
    crop,
    columns: featherAlong(crop.width, band, crop.left > 0, crop.left + crop.width < width),
    rows: featherAlong(crop.height, band, crop.top > 0, crop.top + crop.height < height),
  };
}

/** Weights along one side of the crop: rising over `band` pixels from an edge that is feathered, 1 elsewhere. */
function featherAlong(length: number, band: number, featherStart: boolean, featherEnd: boolean): Float32Array {
  const weights = new Float32Array(length);
  const ramp = (distance: number) => (distance >= band ? 1 : 0.5 - 0.5 * Math.cos((Math.PI * distance) / band));
  for (let i = 0; i < length; i++) {
    const fromStart = featherStart ? ramp(i + 0.5) : 1;
    const fromEnd = featherEnd ? ramp(length - i - 0.5) : 1;
    weights[i] = Math.min(fromStart, fromEnd);
  }
  return weights;
}

/** A copy of `frame` with `layer` (the crop's size) mixed in over the region by its weights. */
export function pasteRegion(frame: RgbaImage, layer: RgbaImage, region: FaceRegion): RgbaImage {
  const { crop, columns, rows } = region;
  if (layer.width !== crop.width || layer.height !== crop.height) throw new Error(`layer is ${layer.width}x${layer.height}, the region ${crop.width}x${crop.height}`);
  const data = new Uint8Array(frame.data);
  for (let y = 0; y < crop.height; y++) {
    for (let x = 0; x < crop.width; x++) {
      const weight = rows[y]! * columns[x]!;
      if (weight === 0) continue;
      const at = ((crop.top + y) * frame.width + crop.left + x) * 4;
      const from = (y * crop.width + x) * 4;
      for (let c = 0; c < 3; c++) data[at + c] = Math.round(data[at + c]! + weight * (layer.data[from + c]! - data[at + c]!));
    }
  }
  return { width: frame.width, height: frame.height, data };
}

/** The crop's pixels as a picture of their own. */
export function cropRgba(frame: RgbaImage, crop: Crop): RgbaImage {
  const data = new Uint8Array(crop.width * crop.height * 4);
  for (let y = 0; y < crop.height; y++) {
    const from = ((crop.top + y) * frame.width + crop.left) * 4;
    data.set(frame.data.subarray(from, from + crop.width * 4), y * crop.width * 4);
  }
  return { width: crop.width, height: crop.height, data };
}
