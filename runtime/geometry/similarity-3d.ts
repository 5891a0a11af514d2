/**
 * Least-squares 3-D similarity (rotation, uniform scale, translation) between two landmark sets, by Horn's closed
 * form with unit quaternions (1987): the rotation is the eigenvector of the largest eigenvalue of a 4x4 symmetric
 * matrix built from the cross-covariance. Used to take the head's pose out of a face (and put another one in).
 */
export interface Similarity3d {
  /** Row-major 3x3 rotation. */
  rotation: Float64Array;
  scale: number;
  /** Applied after rotation and scale. */
  translation: [number, number, number];
}

/** Fits `to ≈ scale * R * from + t` over the given landmark indices (points are flat x, y, z triples). */
export function fitSimilarity3d(from: ArrayLike<number>, to: ArrayLike<number>, indices: readonly number[]): Similarity3d {
  const n = indices.length;
  const meanFrom = [0, 0, 0];
  const meanTo = [0, 0, 0];
  for (const i of indices) {
    for (let c = 0; c < 3; c++) {
      meanFrom[c]! += from[i * 3 + c]! / n;
      meanTo[c]! += to[i * 3 + c]! / n;
    }
  }
  // Cross-covariance S[a][b] = sum (from_a - mean)(to_b - mean), and the spread of `from` for the scale.
  const s = new Float64Array(9);
  let spreadFrom = 0;
  let spreadTo = 0;
  for (const i of indices) {
    const f = [0, 1, 2].map((c) => from[i * 3 + c]! - meanFrom[c]!);
    const t = [0, 1, 2].map((c) => to[i * 3 + c]! - meanTo[c]!);
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) s[a * 3 + b]! += f[a]! * t[b]!;
    spreadFrom += f[0]! ** 2 + f[1]! ** 2 + f[2]! ** 2;
    spreadTo += t[0]! ** 2 + t[1]! ** 2 + t[2]! ** 2;
  }
  const [xx, xy, xz, yx, yy, yz, zx, zy, zz] = s as unknown as number[];
  const n4 = [
    [xx! + yy! + zz!, yz! - zy!, zx! - xz!, xy! - yx!],
    [yz! - zy!, xx! - yy! - zz!, xy! + yx!, zx! + xz!],
    [zx! - xz!, xy! + yx!, -xx! + yy! - zz!, yz! + zy!],
    [xy! - yx!, zx! + xz!, yz! + zy!, -xx! - yy! + zz!],
  ];
  const q = largestEigenvector(n4);
  const rotation = quaternionToMatrix(q);
  // Symmetric scale (Horn): independent of which set is called "from".
  const scale = spreadFrom > 0 ? Math.sqrt(spreadTo / spreadFrom) : 1;
  const rotatedMean = applyRotation(rotation, meanFrom as [number, number, number]);
  const translation: [number, number, number] = [0, 1, 2].map((c) => meanTo[c]! - scale * rotatedMean[c]!) as [number, number, number];
  return { rotation, scale, translation };
}

export function applyRotation(r: Float64Array, v: readonly [number, number, number] | number[]): [number, number, number] {
  return [
    r[0]! * v[0]! + r[1]! * v[1]! + r[2]! * v[2]!,
    r[3]! * v[0]! + r[4]! * v[1]! + r[5]! * v[2]!,
    r[6]! * v[0]! + r[7]! * v[1]! + r[8]! * v[2]!,
  ];
}

export function applySimilarity3d(t: Similarity3d, x: number, y: number, z: number): [number, number, number] {
  const [rx, ry, rz] = applyRotation(t.rotation, [x, y, z]);
  return [t.scale * rx + t.translation[0], t.scale * ry + t.translation[1], t.scale * rz + t.translation[2]];
}

export function invertSimilarity3d(t: Similarity3d): Similarity3d {
  const r = t.rotation;
  const rotation = Float64Array.of(r[0]!, r[3]!, r[6]!, r[1]!, r[4]!, r[7]!, r[2]!, r[5]!, r[8]!);
  const scale = 1 / t.scale;
  const moved = applyRotation(rotation, t.translation);
  return { rotation, scale, translation: [-scale * moved[0], -scale * moved[1], -scale * moved[2]] };
}

function quaternionToMatrix([w, x, y, z]: readonly number[]): Float64Array {
  return Float64Array.of(
    w! * w! + x! * x! - y! * y! - z! * z!, 2 * (x! * y! - w! * z!), 2 * (x! * z! + w! * y!),
    2 * (x! * y! + w! * z!), w! * w! - x! * x! + y! * y! - z! * z!, 2 * (y! * z! - w! * x!),
    2 * (x! * z! - w! * y!), 2 * (y! * z! + w! * x!), w! * w! - x! * x! - y! * y! + z! * z!,
  );
}

/** Power iteration on a shifted matrix (all eigenvalues made positive), enough for a 4x4 at this precision. */
function largestEigenvector(m: number[][]): number[] {
  const shift = m.reduce((sum, row) => sum + row.reduce((s, v) => s + Math.abs(v), 0), 0);
  let v = [1, 0.01, 0.01, 0.01];
  for (let iteration = 0; iteration < 200; iteration++) {
    const next = m.map((row, i) => row.reduce((sum, value, j) => sum + value * v[j]!, 0) + shift * v[i]!);
    const length = Math.hypot(...next);
    const delta = next.reduce((sum, value, i) => sum + Math.abs(value / length - v[i]!), 0);
    v = next.map((value) => value / length);
    if (delta < 1e-13) break;
  }
  return v;
}

/**
 * The rotation from one facial transformation matrix to another (MediaPipe's, column-major, camera space with y up
 * and z towards the viewer), expressed in image space (y down, z into the picture) where the landmarks live.
 */
export function relativeRotationInImage(from: Float32Array, to: Float32Array): Float64Array {
  const r = (m: Float32Array, row: number, column: number) => m[column * 4 + row]!;
  const out = new Float64Array(9);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      let sum = 0;
      for (let k = 0; k < 3; k++) sum += r(to, i, k) * r(from, j, k);
      // Flipping y and z on both sides: F R F with F = diag(1, -1, -1).
      out[i * 3 + j] = sum * (i === 0 ? 1 : -1) * (j === 0 ? 1 : -1);
    }
  }
  return out;
}
