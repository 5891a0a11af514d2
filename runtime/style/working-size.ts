/**
 * The size a picture is scaled to before a style network sees it: its shorter side becomes `resolution` (up or
 * down), the longer side keeps the aspect ratio, and both are rounded to multiples of 4, as the CycleGAN generator's
 * two stride-2 steps need. The shorter side, not the longer, so that brush strokes keep one size relative to the
 * subject whatever the picture's shape (a portrait video's face is framed by its width); tiling keeps the cost of a
 * long side in hand.
 */
export function workingSize(width: number, height: number, resolution: number): { width: number; height: number } {
  if (!(width >= 1 && height >= 1)) throw new Error(`cannot scale a ${width}x${height} picture`);
  const multipleOf4 = (side: number) => Math.max(4, Math.round(side / 4) * 4);
  const shorter = multipleOf4(resolution);
  const longer = multipleOf4((Math.max(width, height) * resolution) / Math.min(width, height));
  return width <= height ? { width: shorter, height: longer } : { width: longer, height: shorter };
}
