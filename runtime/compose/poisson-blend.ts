import type { Mask, RgbaImage } from '../image.ts';

/*
 * Seamless cloning (Pérez, Gangnet & Blake 2003, "Poisson Image Editing"), guidance field = the
 * layer's gradients. Writing the result as layer + membrane, the membrane is the harmonic function
 * (zero Laplacian inside the region) that equals background - layer on the region's border: it
 * carries the boundary mismatch smoothly inwards while the layer's own detail is kept untouched.
 * That membrane is what this solves for, because it is smooth: a good starting guess, cheap to
 * carry from one frame to the next, and what multigrid handles best.
 *
 * The solver is a geometric multigrid V-cycle over the region's bounding box: red-black
 * Gauss-Seidel smoothing, residuals summed onto a half-size grid, corrections interpolated back
 * bilinearly. A coarse cell is an unknown only if all its children are, so every coarse grid keeps
 * a pinned border and none of them is singular (unless nothing is pinned at all: a mask covering
 * the whole image, where the layer is returned as it is). Pixels outside the image do not exist
 * (the region may touch the frame's edge: zero flux there), which is why each cell has its own
 * neighbour count.
 */

/** Cell kinds. PADDING rings every grid so the smoothing loops need no bounds checks. */
const PADDING = 0;
const UNKNOWN = 1;
const FIXED = 2;

const PRE_SWEEPS = 2;
const POST_SWEEPS = 2;
const COARSEST_SWEEPS = 40;
/**
 * Over-relaxation of the smoother. The coarse grids' domains are a little smaller than the fine one
 * (see coarsen), which weakens their corrections; overshooting each update makes up for it, and
 * measured on discs, squares, thin ellipses, crescents and notched shapes, 1.45 leaves a tenth to
 * a quarter of the error per cycle where plain Gauss-Seidel (1.0) leaves about four tenths.
 */
const RELAXATION = 1.45;
/**
 * V-cycles per call. From a cold start, on 300 px discs, squares, crescents and 300x80 ellipses
 * with a boundary mismatch of up to 150 levels, 4 cycles leave no pixel more than 1 level (mean
 * under 0.15) from the converged result.
 */
const DEFAULT_CYCLES = 4;

export interface PoissonBlendOptions {
  /** V-cycles to run (default 4): the whole iteration budget, fixed so a frame's cost is predictable. */
  cycles?: number;
  /**
   * Carries the solution from one frame to the next. Pass the same object on every frame of one
   * face (never share it between faces or videos): each call starts from the membrane the last
   * call left where the regions overlap, then stores its own. The leftover error of a fixed budget
   * then changes slowly with the picture instead of flickering, and the budget goes into what
   * actually changed. Without it every call starts from the mean border mismatch.
   */
  warmStart?: PoissonWarmStart;
  /** Where to write the result (the background's size); may be `background` itself. */
  output?: RgbaImage;
}

/** The membrane (result - layer, 3 floats a pixel) a call solved, and where in the image it lies. */
export class PoissonWarmStart {
  left = 0;
  top = 0;
  width = 0;
  height = 0;
  membrane = new Float32Array(0);

  /** Forgets the stored membrane, e.g. after a cut in the video. */
  clear(): void {
    this.width = 0;
    this.height = 0;
  }
}

/**
 * Clones `layer` into `background` over the pixels where `mask` > 127: their Laplacian becomes the
 * layer's, while the pixels around them (the background) pin the levels. Everything outside the
 * mask is the background; alpha is 255. All three images must have the same size.
 */
export function poissonBlend(background: RgbaImage, layer: RgbaImage, mask: Mask, options: PoissonBlendOptions = {}): RgbaImage {
  const { width, height } = background;
  for (const [name, image] of [['layer', layer], ['mask', mask], ['output', options.output]] as const) {
    if (image && (image.width !== width || image.height !== height)) {
      throw new Error(`${name} is ${image.width}x${image.height}, background is ${width}x${height}`);
    }
  }
  const result = options.output ?? { width, height, data: new Uint8Array(width * height * 4) };
  if (result.data !== background.data) result.data.set(background.data);
  for (let at = 3; at < result.data.length; at += 4) result.data[at] = 255;

  const region = clonedRegion(mask);
  if (!region) return result;
  const fine = buildFinestLevel(background, layer, mask, region, options.warmStart);
  const levels = [fine];
  for (let coarse = coarsen(fine); coarse; coarse = coarsen(levels[levels.length - 1]!)) levels.push(coarse);
  linkLevels(levels);

  const cycles = Math.max(0, Math.round(options.cycles ?? DEFAULT_CYCLES));
  for (let cycle = 0; cycle < cycles; cycle++) vCycle(levels, 0);

  writeResult(result, layer, fine, region);
  if (options.warmStart) storeWarmStart(options.warmStart, fine, region);
  return result;
}

interface Region {
  left: number;
  top: number;
  width: number;
  height: number;
}

type ImageEdges = readonly [left: boolean, top: boolean, right: boolean, bottom: boolean];

interface Level {
  width: number;
  height: number;
  /** width + 2: grids carry a one-cell PADDING ring. */
  stride: number;
  /** Which sides (left, top, right, bottom) lie on the image's edge: there the padding is no neighbour (zero flux); elsewhere it is a pinned zero. */
  imageEdges: ImageEdges;
  kind: Uint8Array;
  /** Neighbours that count (all but padding across the image's edge), and the reciprocal, per cell. */
  neighbourCount: Float32Array;
  inverseCount: Float32Array;
  /** 3 floats a cell: the membrane (or its correction, on coarse levels); FIXED cells hold their boundary value. */
  values: Float32Array;
  rhs: Float32Array;
  /** UNKNOWN cells of each checkerboard colour, as padded cell indices. */
  red: Int32Array;
  black: Int32Array;
  /** For each UNKNOWN cell (red then black): its parent on the next coarser level, or -1 when that is not an unknown. */
  parent: Int32Array;
  /** For each UNKNOWN cell: 4 coarse cells to interpolate from (weights 9, 3, 3, 1 / 16). */
  interpolateFrom: Int32Array;
}

/** Bounding box of mask > 127, grown by one pixel to take in the pinned border, clipped to the image. */
function clonedRegion(mask: Mask): Region | undefined {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -1;
  let maxY = -1;
  for (let y = 0; y < mask.height; y++) {
    const row = y * mask.width;
    for (let x = 0; x < mask.width; x++) {
      if (mask.data[row + x]! > 127) {
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        maxY = y;
      }
    }
  }
  if (maxX < 0) return undefined;
  const left = Math.max(minX - 1, 0);
  const top = Math.max(minY - 1, 0);
  return { left, top, width: Math.min(maxX + 2, mask.width) - left, height: Math.min(maxY + 2, mask.height) - top };
}

function emptyLevel(width: number, height: number, imageEdges: ImageEdges): Level {
  const cells = (width + 2) * (height + 2);
  return {
    width,
    height,
    stride: width + 2,
    imageEdges,
    kind: new Uint8Array(cells),
    neighbourCount: new Float32Array(cells),
    inverseCount: new Float32Array(cells),
    values: new Float32Array(cells * 3),
    rhs: new Float32Array(cells * 3),
    red: new Int32Array(0),
    black: new Int32Array(0),
    parent: new Int32Array(0),
    interpolateFrom: new Int32Array(0),
  };
}

/** Once the kinds are set: neighbour counts and the red and black unknown lists, each in raster order. */
function indexUnknowns(level: Level): void {
  const { width, height, stride, kind } = level;
  const [left, top, right, bottom] = level.imageEdges;
  const red = new Int32Array(width * height);
  const black = new Int32Array(width * height);
  let redCount = 0;
  let blackCount = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const cell = (y + 1) * stride + x + 1;
      if (kind[cell] !== UNKNOWN) continue;
      const count =
        +(kind[cell - 1] !== PADDING || !left) +
        +(kind[cell - stride] !== PADDING || !top) +
        +(kind[cell + 1] !== PADDING || !right) +
        +(kind[cell + stride] !== PADDING || !bottom);
      level.neighbourCount[cell] = count;
      level.inverseCount[cell] = 1 / count;
      if ((x + y) & 1) black[blackCount++] = cell;
      else red[redCount++] = cell;
    }
  }
  level.red = red.subarray(0, redCount);
  level.black = black.subarray(0, blackCount);
}

function buildFinestLevel(background: RgbaImage, layer: RgbaImage, mask: Mask, region: Region, warmStart: PoissonWarmStart | undefined): Level {
  const imageEdges = [region.left === 0, region.top === 0, region.left + region.width === mask.width, region.top + region.height === mask.height] as const;
  const level = emptyLevel(region.width, region.height, imageEdges);
  const { stride, kind, values } = level;
  const imageWidth = background.width;
  const backgroundData = background.data;
  const layerData = layer.data;
  const maskData = mask.data;
  // The membrane on the border is the mismatch it must carry inwards: background - layer.
  const borderSum = [0, 0, 0];
  let borderCount = 0;
  for (let y = 0; y < region.height; y++) {
    for (let x = 0; x < region.width; x++) {
      const cell = (y + 1) * stride + x + 1;
      const pixel = (region.top + y) * imageWidth + region.left + x;
      if (maskData[pixel]! > 127) {
        kind[cell] = UNKNOWN;
        continue;
      }
      kind[cell] = FIXED;
      for (let c = 0; c < 3; c++) {
        const mismatch = backgroundData[pixel * 4 + c]! - layerData[pixel * 4 + c]!;
        values[cell * 3 + c] = mismatch;
        borderSum[c]! += mismatch;
      }
      borderCount++;
    }
  }
  indexUnknowns(level);
  // A cold start at the mean mismatch is exact for a constant offset, and close for smooth ones.
  const coldStart = borderSum.map((sum) => (borderCount > 0 ? sum / borderCount : 0));
  const previous = warmStart && warmStart.width > 0 ? warmStart : undefined;
  for (let y = 0; y < region.height; y++) {
    const previousY = previous ? region.top + y - previous.top : -1;
    for (let x = 0; x < region.width; x++) {
      const cell = (y + 1) * stride + x + 1;
      if (kind[cell] !== UNKNOWN) continue;
      const previousX = previous ? region.left + x - previous.left : -1;
      if (previous && previousX >= 0 && previousY >= 0 && previousX < previous.width && previousY < previous.height) {
        const from = (previousY * previous.width + previousX) * 3;
        for (let c = 0; c < 3; c++) values[cell * 3 + c] = previous.membrane[from + c]!;
      } else {
        for (let c = 0; c < 3; c++) values[cell * 3 + c] = coldStart[c]!;
      }
    }
  }
  return level;
}

/**
 * The half-size grid below `fine`, or undefined when it would hold no unknowns. A coarse cell is an
 * unknown only when all its children are: letting in cells that straddle the border makes coarse
 * domains larger than the fine one, and their corrections then overshoot, for thin shapes enough
 * to diverge.
 */
function coarsen(fine: Level): Level | undefined {
  // A region with no pinned border at all (the whole image) keeps unknowns down to 1x1: stop there.
  if (fine.red.length + fine.black.length === 0 || (fine.width <= 2 && fine.height <= 2)) return undefined;
  const width = Math.ceil(fine.width / 2);
  const height = Math.ceil(fine.height / 2);
  const level = emptyLevel(width, height, fine.imageEdges);
  let unknowns = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let children = 0;
      let unknownChildren = 0;
      for (let dy = 0; dy < 2; dy++) {
        for (let dx = 0; dx < 2; dx++) {
          const fx = 2 * x + dx;
          const fy = 2 * y + dy;
          if (fx >= fine.width || fy >= fine.height) continue;
          children++;
          if (fine.kind[(fy + 1) * fine.stride + fx + 1] === UNKNOWN) unknownChildren++;
        }
      }
      const unknown = unknownChildren === children;
      level.kind[(y + 1) * level.stride + x + 1] = unknown ? UNKNOWN : FIXED;
      if (unknown) unknowns++;
    }
  }
  if (unknowns === 0) return undefined;
  indexUnknowns(level);
  return level;
}

/**
 * Fills each level's parent and interpolation tables against the next coarser level, slot by slot
 * in the order of its red then black lists.
 */
function linkLevels(levels: Level[]): void {
  for (let index = 0; index + 1 < levels.length; index++) {
    const fine = levels[index]!;
    const coarse = levels[index + 1]!;
    const count = fine.red.length + fine.black.length;
    const parents = new Int32Array(count);
    const interpolateFrom = new Int32Array(count * 4);
    let slot = 0;
    for (let colour = 0; colour < 2; colour++) {
      for (let y = 0; y < fine.height; y++) {
        for (let x = (y + colour) & 1; x < fine.width; x += 2) {
          if (fine.kind[(y + 1) * fine.stride + x + 1] !== UNKNOWN) continue;
          const parent = ((y >> 1) + 1) * coarse.stride + (x >> 1) + 1;
          parents[slot] = coarse.kind[parent] === UNKNOWN ? parent : -1;
          // The fine cell's centre sits a quarter coarse cell from its parent's, towards these neighbours;
          // past the grid's edge there is nothing to interpolate towards, so the parent stands in.
          const sideways = x & 1 ? 1 : -1;
          const vertical = y & 1 ? coarse.stride : -coarse.stride;
          const across = coarse.kind[parent + sideways] === PADDING ? parent : parent + sideways;
          const along = coarse.kind[parent + vertical] === PADDING ? parent : parent + vertical;
          const diagonal = coarse.kind[parent + sideways + vertical] === PADDING ? parent : parent + sideways + vertical;
          interpolateFrom[slot * 4] = parent;
          interpolateFrom[slot * 4 + 1] = across;
          interpolateFrom[slot * 4 + 2] = along;
          interpolateFrom[slot * 4 + 3] = diagonal;
          slot++;
        }
      }
    }
    fine.parent = parents;
    fine.interpolateFrom = interpolateFrom;
  }
}

function vCycle(levels: Level[], index: number): void {
  const level = levels[index]!;
  const coarse = levels[index + 1];
  if (!coarse) {
    smooth(level, COARSEST_SWEEPS);
    return;
  }
  smooth(level, PRE_SWEEPS);
  restrictResidual(level, coarse);
  vCycle(levels, index + 1);
  addInterpolatedCorrection(coarse, level);
  smooth(level, POST_SWEEPS);
}

/**
 * Red-black Gauss-Seidel, over-relaxed: each unknown moves to (past, by RELAXATION) the mean of its
 * neighbours plus its source term. One colour's cells only read the other's, so order within a colour is free.
 */
function smooth(level: Level, sweeps: number): void {
  const { values, rhs, inverseCount } = level;
  const rowStep = level.stride * 3;
  const keep = 1 - RELAXATION;
  for (let sweep = 0; sweep < sweeps; sweep++) {
    for (const list of [level.red, level.black]) {
      for (let k = 0; k < list.length; k++) {
        const cell = list[k]!;
        const scale = inverseCount[cell]! * RELAXATION;
        // Unrolled over the three channels: this loop is most of the solver's time.
        const r = cell * 3;
        const up = r - rowStep;
        const down = r + rowStep;
        values[r] = values[r]! * keep + (values[r - 3]! + values[r + 3]! + values[up]! + values[down]! + rhs[r]!) * scale;
        values[r + 1] = values[r + 1]! * keep + (values[r - 2]! + values[r + 4]! + values[up + 1]! + values[down + 1]! + rhs[r + 1]!) * scale;
        values[r + 2] = values[r + 2]! * keep + (values[r - 1]! + values[r + 5]! + values[up + 2]! + values[down + 2]! + rhs[r + 2]!) * scale;
      }
    }
  }
}

/**
 * Sums the fine residuals of each block into the coarse right-hand side. Summing rather than
 * averaging accounts for the coarse cells being twice as wide (the operator scales with spacing squared).
 */
function restrictResidual(fine: Level, coarse: Level): void {
  // The coarse grid solves for a correction: zero on its FIXED cells (never written) and as a start elsewhere.
  const coarseRhs = coarse.rhs;
  coarseRhs.fill(0);
  coarse.values.fill(0);
  const { values, rhs, neighbourCount, parent } = fine;
  const rowStep = fine.stride * 3;
  let slot = 0;
  for (const list of [fine.red, fine.black]) {
    for (let k = 0; k < list.length; k++, slot++) {
      const target = parent[slot]! * 3;
      if (target < 0) continue;
      const cell = list[k]!;
      const count = neighbourCount[cell]!;
      const r = cell * 3;
      const up = r - rowStep;
      const down = r + rowStep;
      coarseRhs[target]! += rhs[r]! + values[r - 3]! + values[r + 3]! + values[up]! + values[down]! - count * values[r]!;
      coarseRhs[target + 1]! += rhs[r + 1]! + values[r - 2]! + values[r + 4]! + values[up + 1]! + values[down + 1]! - count * values[r + 1]!;
      coarseRhs[target + 2]! += rhs[r + 2]! + values[r - 1]! + values[r + 5]! + values[up + 2]! + values[down + 2]! - count * values[r + 2]!;
    }
  }
}

/** Adds the coarse grid's correction to every fine unknown, bilinearly interpolated. */
function addInterpolatedCorrection(coarse: Level, fine: Level): void {
  const correction = coarse.values;
  const { values, interpolateFrom } = fine;
  let slot = 0;
  for (const list of [fine.red, fine.black]) {
    for (let k = 0; k < list.length; k++, slot++) {
      const r = list[k]! * 3;
      const a = interpolateFrom[slot * 4]! * 3;
      const b = interpolateFrom[slot * 4 + 1]! * 3;
      const d = interpolateFrom[slot * 4 + 2]! * 3;
      const e = interpolateFrom[slot * 4 + 3]! * 3;
      values[r]! += 0.5625 * correction[a]! + 0.1875 * (correction[b]! + correction[d]!) + 0.0625 * correction[e]!;
      values[r + 1]! += 0.5625 * correction[a + 1]! + 0.1875 * (correction[b + 1]! + correction[d + 1]!) + 0.0625 * correction[e + 1]!;
      values[r + 2]! += 0.5625 * correction[a + 2]! + 0.1875 * (correction[b + 2]! + correction[d + 2]!) + 0.0625 * correction[e + 2]!;
    }
  }
}

function writeResult(result: RgbaImage, layer: RgbaImage, fine: Level, region: Region): void {
  const { kind, values, stride } = fine;
  const out = result.data;
  const layerData = layer.data;
  for (let y = 0; y < region.height; y++) {
    for (let x = 0; x < region.width; x++) {
      const cell = (y + 1) * stride + x + 1;
      if (kind[cell] !== UNKNOWN) continue;
      const at = ((region.top + y) * result.width + region.left + x) * 4;
      for (let c = 0; c < 3; c++) {
        const value = layerData[at + c]! + values[cell * 3 + c]!;
        out[at + c] = value <= 0 ? 0 : value >= 255 ? 255 : Math.round(value);
      }
    }
  }
}

function storeWarmStart(warmStart: PoissonWarmStart, fine: Level, region: Region): void {
  const { width, height, stride } = fine;
  if (warmStart.membrane.length < width * height * 3) warmStart.membrane = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const from = ((y + 1) * stride + 1) * 3;
    warmStart.membrane.set(fine.values.subarray(from, from + width * 3), y * width * 3);
  }
  warmStart.left = region.left;
  warmStart.top = region.top;
  warmStart.width = width;
  warmStart.height = height;
}
