import { distanceToSegment } from '../draw/raster.ts';
import type { RgbaImage } from '../image.ts';
import { blurMask } from './mask-ops.ts';
import { fillPolygonMask } from './polygon-mask.ts';
import { cropAround, polygonBounds, smoothstep } from './region.ts';

/*
 * When a painted eye closes, the warp squeezes the iris, lashes and lid shadow into a dark smudge: nothing in a
 * painting shows the lid's skin lowered over the eye. So the part of the eye the lid now covers is painted with the
 * painting's lid colour, shaded darker towards the lid's edge, with a lash line along that edge as the eye closes.
 */

type Rgb = readonly [r: number, g: number, b: number];

export interface ClosingLid {
  /** x,y pairs around the eye as it would be open (the painting's eye moved with the head only). */
  open: ArrayLike<number>;
  /** x,y pairs around the eye as it is now: what still shows between the lids. */
  visible: ArrayLike<number>;
  /** x,y pairs along the upper lid's edge as it is now, corner to corner: the lash line. */
  upperLid: ArrayLike<number>;
  /** 0 open as painted .. 1 shut: how far the lid has come down. */
  closure: number;
  /** The painting's eyelid skin colour. */
  lidColor: Rgb;
}

/** Paints the lowered lid over the eye, in place; pixels away from the eye are untouched. */
export function paintClosingLid(image: RgbaImage, lid: ClosingLid): void {
  if (!(lid.closure > 0.02)) return;
  const bounds = polygonBounds(lid.open);
  if (!bounds) return;
  const eyeHeight = Math.max(bounds.bottom - bounds.top, 1);
  const soft = Math.max(1, Math.round(eyeHeight * 0.08));
  const crop = cropAround(bounds, 2 * soft + 2, image);
  if (!crop) return;
  const { left, top, width, height } = crop;
  const local = (points: ArrayLike<number>) => Float64Array.from(points, (value, i) => value - (i % 2 === 0 ? left : top));
  const open = fillPolygonMask(width, height, local(lid.open));
  const visible = fillPolygonMask(width, height, local(lid.visible));
  // Covered: inside the open eye and no longer between the lids; nearly shut, the squeezed sliver between them too.
  const shut = smoothstep(0.7, 0.95, lid.closure);
  for (let i = 0; i < open.data.length; i++) open.data[i] = Math.round((open.data[i]! * (255 - visible.data[i]! * (1 - shut))) / 255);
  const covered = blurMask(open, soft);
  const lashes = local(lid.upperLid);
  const lashWidth = Math.max(0.8, eyeHeight * 0.09);
  const lashStrength = smoothstep(0.25, 0.85, lid.closure);
  const lash: Rgb = [lid.lidColor[0] * 0.28, lid.lidColor[1] * 0.24, lid.lidColor[2] * 0.24];
  const data = image.data;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const alpha = covered.data[y * width + x]! / 255;
      const fromEdge = distanceToPolyline(lashes, x + 0.5, y + 0.5);
      const lashAlpha = lashStrength * (1 - smoothstep(lashWidth * 0.5, lashWidth * 1.5, fromEdge));
      if (alpha <= 0 && lashAlpha <= 0) continue;
      // The lid darkens towards its edge, where it curves away from the light.
      const shade = 0.86 + 0.14 * smoothstep(0, eyeHeight * 0.6, fromEdge);
      const at = ((top + y) * image.width + left + x) * 4;
      for (let c = 0; c < 3; c++) {
        const skin = data[at + c]! + (lid.lidColor[c]! * shade - data[at + c]!) * alpha;
        data[at + c] = Math.round(skin + (lash[c]! - skin) * lashAlpha);
      }
    }
  }
}

function distanceToPolyline(points: ArrayLike<number>, x: number, y: number): number {
  let nearest = Infinity;
  for (let i = 0; i + 3 < points.length; i += 2) {
    const dx = points[i + 2]! - points[i]!;
    const dy = points[i + 3]! - points[i + 1]!;
    nearest = Math.min(nearest, distanceToSegment(x, y, points[i]!, points[i + 1]!, dx, dy, dx * dx + dy * dy));
  }
  return nearest;
}
