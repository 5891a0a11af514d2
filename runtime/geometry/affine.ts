/** Maps points by x' = a·x + b·y + c, y' = d·x + e·y + f; pixel centres are at +0.5 in both spaces. */
export type Affine = readonly [number, number, number, number, number, number];

export function applyAffine(m: Affine, x: number, y: number): [number, number] {
  return [m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]];
}

/** `outer` after `inner`: the map x -> outer(inner(x)). */
export function composeAffine(outer: Affine, inner: Affine): Affine {
  return [
    outer[0] * inner[0] + outer[1] * inner[3],
    outer[0] * inner[1] + outer[1] * inner[4],
    outer[0] * inner[2] + outer[1] * inner[5] + outer[2],
    outer[3] * inner[0] + outer[4] * inner[3],
    outer[3] * inner[1] + outer[4] * inner[4],
    outer[3] * inner[2] + outer[4] * inner[5] + outer[5],
  ];
}

export function invertAffine(m: Affine): Affine {
  const det = m[0] * m[4] - m[1] * m[3];
  const a = m[4] / det;
  const b = -m[1] / det;
  const d = -m[3] / det;
  const e = m[0] / det;
  return [a, b, -(a * m[2] + b * m[5]), d, e, -(d * m[2] + e * m[5])];
}

/**
 * The least-squares similarity (rotation, uniform scale, translation; never a mirror) taking the first `count` x, y
 * pairs of `from` onto those of `to`: Umeyama (1991) in 2-D, where the rotation has a closed form. With the points
 * centred, a = Σ f·t and b = Σ f×t give the angle atan2(b, a), and the scale is √(a² + b²) / Σ |f|².
 * Points that all coincide give the translation between the centroids alone.
 */
export function similarityTransform(from: ArrayLike<number>, to: ArrayLike<number>, count: number): Affine {
  if (!(count >= 1) || from.length < count * 2 || to.length < count * 2) {
    throw new Error(`similarityTransform: needs ${count} x, y pairs in both sets (got ${from.length / 2} and ${to.length / 2})`);
  }
  let fx = 0;
  let fy = 0;
  let tx = 0;
  let ty = 0;
  for (let i = 0; i < count; i++) {
    fx += from[i * 2]!;
    fy += from[i * 2 + 1]!;
    tx += to[i * 2]!;
    ty += to[i * 2 + 1]!;
  }
  fx /= count;
  fy /= count;
  tx /= count;
  ty /= count;
  let dot = 0;
  let cross = 0;
  let spread = 0;
  for (let i = 0; i < count; i++) {
    const ax = from[i * 2]! - fx;
    const ay = from[i * 2 + 1]! - fy;
    const bx = to[i * 2]! - tx;
    const by = to[i * 2 + 1]! - ty;
    dot += ax * bx + ay * by;
    cross += ax * by - ay * bx;
    spread += ax * ax + ay * ay;
  }
  // s·cosθ and s·sinθ directly: a / spread and b / spread.
  const c = spread > 0 ? dot / spread : 1;
  const s = spread > 0 ? cross / spread : 0;
  return [c, -s, tx - (c * fx - s * fy), s, c, ty - (s * fx + c * fy)];
}
