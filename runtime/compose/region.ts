// Where a painted feature (a mouth, an eye) sits, and the patch of the image worked on around it.
import type { RgbaImage } from '../image.ts';

export interface Bounds {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export interface Crop {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** The polygon's bounding box, or undefined for fewer than 3 points or any non-finite coordinate. */
export function polygonBounds(polygon: ArrayLike<number>): Bounds | undefined {
  if (polygon.length < 6) return undefined;
  const bounds = { left: Infinity, top: Infinity, right: -Infinity, bottom: -Infinity };
  for (let i = 0; i + 1 < polygon.length; i += 2) {
    const x = polygon[i]!;
    const y = polygon[i + 1]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) return undefined;
    bounds.left = Math.min(bounds.left, x);
    bounds.right = Math.max(bounds.right, x);
    bounds.top = Math.min(bounds.top, y);
    bounds.bottom = Math.max(bounds.bottom, y);
  }
  return bounds;
}

/** Whole pixels around `bounds` grown by `margin`, clipped to the image; undefined when nothing is left. */
export function cropAround(bounds: Bounds, margin: number, image: RgbaImage): Crop | undefined {
  const left = Math.max(0, Math.floor(bounds.left) - margin);
  const top = Math.max(0, Math.floor(bounds.top) - margin);
  const right = Math.min(image.width, Math.ceil(bounds.right) + margin);
  const bottom = Math.min(image.height, Math.ceil(bounds.bottom) + margin);
  if (right <= left || bottom <= top) return undefined;
  return { left, top, width: right - left, height: bottom - top };
}

/** 0 below `edge0`, 1 above `edge1`, a smooth ramp between. */
export function smoothstep(edge0: number, edge1: number, value: number): number {
  const t = Math.min(Math.max((value - edge0) / (edge1 - edge0), 0), 1);
  return t * t * (3 - 2 * t);
}
