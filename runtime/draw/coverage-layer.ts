import type { RgbaImage } from '../image.ts';
import { blendPixel, type Rgba } from './blend.ts';
import { rasterizeDot, rasterizeLine } from './raster.ts';

/**
 * Collects many shapes of one colour and paints them in a single pass. Where shapes overlap the
 * coverage is the larger one, not the sum, so a translucent mesh keeps one even tone instead of
 * darkening into knots where several edges meet at a landmark.
 */
export class CoverageLayer {
  private readonly coverage: Float32Array;
  // The span of pixel indices touched so far, so painting a small face on a large frame skips the empty rows.
  private firstTouched = Infinity;
  private lastTouched = -1;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.coverage = new Float32Array(width * height);
  }

  addLine(x0: number, y0: number, x1: number, y1: number, lineWidth: number): void {
    rasterizeLine(this.width, this.height, x0, y0, x1, y1, lineWidth, this.keepLarger);
  }

  addDot(x: number, y: number, radius: number): void {
    rasterizeDot(this.width, this.height, x, y, radius, this.keepLarger);
  }

  /** Blends `color` onto `image` (the layer's size) in place, weighted by the collected coverage. */
  paint(image: RgbaImage, color: Rgba): void {
    if (image.width !== this.width || image.height !== this.height) {
      throw new Error(`coverage layer is ${this.width}x${this.height}, image is ${image.width}x${image.height}`);
    }
    const coverage = this.coverage;
    for (let pixel = this.firstTouched; pixel <= this.lastTouched; pixel++) {
      if (coverage[pixel]! > 0) blendPixel(image, pixel, color, coverage[pixel]!);
    }
  }

  private readonly keepLarger = (pixel: number, coverage: number): void => {
    if (coverage > this.coverage[pixel]!) this.coverage[pixel] = coverage;
    if (pixel < this.firstTouched) this.firstTouched = pixel;
    if (pixel > this.lastTouched) this.lastTouched = pixel;
  };
}
