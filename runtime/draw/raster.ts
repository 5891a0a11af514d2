import type { RgbaImage } from '../image.ts';
import { blendPixel, type Rgba } from './blend.ts';

/*
 * Coordinates are continuous pixels: pixel (i, j) covers [i, i+1) x [j, j+1), so its centre is at
 * (i + 0.5, j + 0.5), matching landmarks scaled from MediaPipe's normalised 0-1 coordinates.
 * A pixel's coverage is estimated from the distance between its centre and the shape's core,
 * a 1-pixel ramp across the edge: cheap, and for thin lines it looks like Xiaolin Wu's.
 */

/** Receives each touched pixel once: its index in row-major order and the share (0-1] it is covered. */
export type PixelVisitor = (pixelIndex: number, coverage: number) => void;

/**
 * Visits the pixels under a segment of `lineWidth` with round caps (so segments meeting at a
 * point join without gaps). Non-finite coordinates or widths draw nothing.
 */
export function rasterizeLine(
  width: number,
  height: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  lineWidth: number,
  visit: PixelVisitor,
): void {
  if (![x0, y0, x1, y1, lineWidth].every(Number.isFinite) || lineWidth <= 0) return;
  // Below a pixel the ramp cannot get thinner, so a hairline is drawn fainter instead.
  const fade = Math.min(lineWidth, 1);
  const reach = Math.max(lineWidth, 1) / 2 + 0.5;
  const dx = x1 - x0;
  const dy = y1 - y0;
  const lengthSquared = dx * dx + dy * dy;
  const length = Math.sqrt(lengthSquared);
  const minX = Math.min(x0, x1) - reach;
  const maxX = Math.max(x0, x1) + reach;
  // Rows whose centres the stroke can reach, clipped to the image before any loop runs.
  const firstRow = Math.max(0, Math.ceil(Math.min(y0, y1) - reach - 0.5));
  const lastRow = Math.min(height - 1, Math.floor(Math.max(y0, y1) + reach - 0.5));
  for (let row = firstRow; row <= lastRow; row++) {
    const centreY = row + 0.5;
    let left = minX;
    let right = maxX;
    if (dy !== 0) {
      // The stroke lies inside the band of half-width `reach` around the infinite line; its row is narrower than the bounding box.
      const crossingX = x0 + ((centreY - y0) * dx) / dy;
      const halfSpan = (reach * length) / Math.abs(dy);
      left = Math.max(left, crossingX - halfSpan);
      right = Math.min(right, crossingX + halfSpan);
    }
    const firstColumn = Math.max(0, Math.ceil(left - 0.5));
    const lastColumn = Math.min(width - 1, Math.floor(right - 0.5));
    for (let column = firstColumn; column <= lastColumn; column++) {
      const distance = distanceToSegment(column + 0.5, centreY, x0, y0, dx, dy, lengthSquared);
      const coverage = Math.min(reach - distance, 1);
      if (coverage > 0) visit(row * width + column, coverage * fade);
    }
  }
}

/** Visits the pixels under a filled disc. Non-finite centres or radii draw nothing. */
export function rasterizeDot(width: number, height: number, x: number, y: number, radius: number, visit: PixelVisitor): void {
  if (![x, y, radius].every(Number.isFinite) || radius <= 0) return;
  // A disc smaller than a pixel cannot shrink further on screen, so it fades by its area instead.
  const fade = Math.min((radius / 0.5) ** 2, 1);
  const reach = Math.max(radius, 0.5) + 0.5;
  const firstRow = Math.max(0, Math.ceil(y - reach - 0.5));
  const lastRow = Math.min(height - 1, Math.floor(y + reach - 0.5));
  for (let row = firstRow; row <= lastRow; row++) {
    const offsetY = row + 0.5 - y;
    const halfSpan = Math.sqrt(Math.max(reach * reach - offsetY * offsetY, 0));
    const firstColumn = Math.max(0, Math.ceil(x - halfSpan - 0.5));
    const lastColumn = Math.min(width - 1, Math.floor(x + halfSpan - 0.5));
    for (let column = firstColumn; column <= lastColumn; column++) {
      const offsetX = column + 0.5 - x;
      const coverage = Math.min(reach - Math.sqrt(offsetX * offsetX + offsetY * offsetY), 1);
      if (coverage > 0) visit(row * width + column, coverage * fade);
    }
  }
}

/** Draws an anti-aliased line onto `image` in place, blended by `color`'s alpha, clipped to the image. */
export function drawLine(image: RgbaImage, x0: number, y0: number, x1: number, y1: number, color: Rgba, width = 1): void {
  rasterizeLine(image.width, image.height, x0, y0, x1, y1, width, (pixel, coverage) => blendPixel(image, pixel, color, coverage));
}

/** Draws an anti-aliased filled disc onto `image` in place, blended by `color`'s alpha, clipped to the image. */
export function drawDot(image: RgbaImage, x: number, y: number, radius: number, color: Rgba): void {
  rasterizeDot(image.width, image.height, x, y, radius, (pixel, coverage) => blendPixel(image, pixel, color, coverage));
}

/** Distance from (px, py) to the segment from (x0, y0) along (dx, dy), whose squared length is given. */
export function distanceToSegment(px: number, py: number, x0: number, y0: number, dx: number, dy: number, lengthSquared: number): number {
  const along = lengthSquared > 0 ? Math.min(Math.max(((px - x0) * dx + (py - y0) * dy) / lengthSquared, 0), 1) : 0;
  // Not Math.hypot: it is several times slower in V8, and this runs for every pixel of every stroke.
  const offsetX = px - (x0 + along * dx);
  const offsetY = py - (y0 + along * dy);
  return Math.sqrt(offsetX * offsetX + offsetY * offsetY);
}
