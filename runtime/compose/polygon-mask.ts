import type { Mask } from '../image.ts';

/*
 * Coordinates are continuous pixels as in draw/raster.ts: pixel (i, j) covers [i, i+1) x [j, j+1).
 * Each pixel row is cut by SUBSCANLINES horizontal lines; along each the polygon's inside is a set
 * of spans whose exact horizontal overlap with every pixel is accumulated. So coverage is exact
 * across near-vertical edges and quantised to 1/SUBSCANLINES across near-horizontal ones.
 */
const SUBSCANLINES = 16;

/**
 * Anti-aliased coverage (0 outside, 255 inside) of a closed simple polygon given as x,y pairs; it
 * may be concave (the even-odd rule decides inside). Fewer than 3 points or any non-finite
 * coordinate give an empty mask. `output`, when given, must be width x height and is overwritten.
 */
export function fillPolygonMask(width: number, height: number, polygon: ArrayLike<number>, output?: Mask): Mask {
  const mask = output ?? { width, height, data: new Uint8Array(width * height) };
  if (mask.width !== width || mask.height !== height || mask.data.length !== width * height) {
    throw new Error(`mask is ${mask.width}x${mask.height}, expected ${width}x${height}`);
  }
  mask.data.fill(0);
  const pointCount = Math.floor(polygon.length / 2);
  if (pointCount < 3) return mask;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < pointCount * 2; i++) {
    const value = polygon[i]!;
    if (!Number.isFinite(value)) return mask;
    if (i % 2 === 1) {
      if (value < minY) minY = value;
      if (value > maxY) maxY = value;
    }
  }
  const firstRow = Math.max(0, Math.floor(minY));
  const lastRow = Math.min(height - 1, Math.ceil(maxY) - 1);
  if (firstRow > lastRow || width <= 0) return mask;

  // Partial coverage of single cells, plus a difference array for whole-pixel runs so long spans cost O(1).
  const cellCoverage = new Float32Array(width);
  const runStarts = new Float32Array(width + 1);
  const crossings = new Float64Array(pointCount);
  const scale = 255 / SUBSCANLINES;
  for (let row = firstRow; row <= lastRow; row++) {
    cellCoverage.fill(0);
    runStarts.fill(0);
    for (let sub = 0; sub < SUBSCANLINES; sub++) {
      const y = row + (sub + 0.5) / SUBSCANLINES;
      const count = collectCrossings(polygon, pointCount, y, crossings);
      for (let i = 0; i + 1 < count; i += 2) addSpan(crossings[i]!, crossings[i + 1]!, width, cellCoverage, runStarts);
    }
    let run = 0;
    const rowStart = row * width;
    for (let column = 0; column < width; column++) {
      run += runStarts[column]!;
      const coverage = (run + cellCoverage[column]!) * scale;
      mask.data[rowStart + column] = coverage >= 255 ? 255 : Math.round(coverage);
    }
  }
  return mask;
}

/** Sorted x positions where the polygon's edges cross the horizontal line at `y`; returns how many. */
function collectCrossings(polygon: ArrayLike<number>, pointCount: number, y: number, crossings: Float64Array): number {
  let count = 0;
  let previousX = polygon[(pointCount - 1) * 2]!;
  let previousY = polygon[(pointCount - 1) * 2 + 1]!;
  for (let point = 0; point < pointCount; point++) {
    const x = polygon[point * 2]!;
    const pointY = polygon[point * 2 + 1]!;
    // Half-open in y, so a line through a vertex counts it once, and horizontal edges never.
    if (previousY <= y !== pointY <= y) {
      const crossingX = previousX + ((y - previousY) * (x - previousX)) / (pointY - previousY);
      // Insertion sort: a lip contour crosses a line a handful of times.
      let at = count++;
      while (at > 0 && crossings[at - 1]! > crossingX) {
        crossings[at] = crossings[at - 1]!;
        at--;
      }
      crossings[at] = crossingX;
    }
    previousX = x;
    previousY = pointY;
  }
  return count;
}

/** Adds the span [left, right) of one subscanline, clipped to the row. */
function addSpan(left: number, right: number, width: number, cellCoverage: Float32Array, runStarts: Float32Array): void {
  const from = Math.max(left, 0);
  const to = Math.min(right, width);
  if (!(to > from)) return;
  const firstCell = Math.floor(from);
  const lastCell = Math.min(Math.floor(to), width - 1);
  if (firstCell === lastCell) {
    cellCoverage[firstCell]! += to - from;
    return;
  }
  cellCoverage[firstCell]! += firstCell + 1 - from;
  runStarts[firstCell + 1]! += 1;
  runStarts[lastCell]! -= 1;
  cellCoverage[lastCell]! += to - lastCell;
}
