/** Rotations as 3x3 row-major matrices (acting on column vectors): the one place every method takes them from. */

/** 3x3 row-major product a · b. */
export function multiply3(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const out = new Float64Array(9);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) {
      out[r * 3 + c] = a[r * 3]! * b[c]! + a[r * 3 + 1]! * b[3 + c]! + a[r * 3 + 2]! * b[6 + c]!;
    }
  }
  return out;
}

export function transpose3(a: ArrayLike<number>): Float64Array {
  return Float64Array.of(a[0]!, a[3]!, a[6]!, a[1]!, a[4]!, a[7]!, a[2]!, a[5]!, a[8]!);
}

/**
 * A rotation's angle scaled by `gain` about the same axis (gain 0: identity; 1: the rotation itself, returned as it
 * is). Goes through the unit quaternion, which is stable at every angle including 180°.
 */
export function scaleRotation(rotation: ArrayLike<number>, gain: number): Float64Array {
  if (rotation.length !== 9) throw new Error(`Rotation has ${rotation.length} values, expected 9.`);
  if (gain === 1) return Float64Array.from(rotation);
  if (gain === 0) return Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1);
  const m = (r: number, c: number) => rotation[r * 3 + c]!;
  // Shepperd's method: quaternion (w, x, y, z) of the matrix acting on column vectors.
  const trace = m(0, 0) + m(1, 1) + m(2, 2);
  let w: number, x: number, y: number, z: number;
  if (trace >= m(0, 0) && trace >= m(1, 1) && trace >= m(2, 2)) {
    const s = 2 * Math.sqrt(Math.max(0, 1 + trace));
    [w, x, y, z] = [s / 4, (m(2, 1) - m(1, 2)) / s, (m(0, 2) - m(2, 0)) / s, (m(1, 0) - m(0, 1)) / s];
  } else if (m(0, 0) >= m(1, 1) && m(0, 0) >= m(2, 2)) {
    const s = 2 * Math.sqrt(Math.max(0, 1 + m(0, 0) - m(1, 1) - m(2, 2)));
    [w, x, y, z] = [(m(2, 1) - m(1, 2)) / s, s / 4, (m(0, 1) + m(1, 0)) / s, (m(0, 2) + m(2, 0)) / s];
  } else if (m(1, 1) >= m(2, 2)) {
    const s = 2 * Math.sqrt(Math.max(0, 1 - m(0, 0) + m(1, 1) - m(2, 2)));
    [w, x, y, z] = [(m(0, 2) - m(2, 0)) / s, (m(0, 1) + m(1, 0)) / s, s / 4, (m(1, 2) + m(2, 1)) / s];
  } else {
    const s = 2 * Math.sqrt(Math.max(0, 1 - m(0, 0) - m(1, 1) + m(2, 2)));
    [w, x, y, z] = [(m(1, 0) - m(0, 1)) / s, (m(0, 2) + m(2, 0)) / s, (m(1, 2) + m(2, 1)) / s, s / 4];
  }
  // The shorter way round, so a gain scales an angle in [0°, 180°].
  if (w < 0) [w, x, y, z] = [-w, -x, -y, -z];
  const axisLength = Math.hypot(x, y, z);
  if (axisLength < 1e-12) return Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1);
  const half = Math.atan2(axisLength, w) * gain;
  const [sin, cos] = [Math.sin(half) / axisLength, Math.cos(half)];
  [w, x, y, z] = [cos, x * sin, y * sin, z * sin];
  return Float64Array.of(
    1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
    2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
    2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y),
  );
}

/** The turn by `radians` about the image's upright (y), taking x towards z: a head's yaw in image space. */
export function turnAboutUpright(radians: number): Float64Array {
  const [cos, sin] = [Math.cos(radians), Math.sin(radians)];
  return Float64Array.of(cos, 0, sin, 0, 1, 0, -sin, 0, cos);
}

/** The smallest rotation that turns direction `from` onto direction `to` (Rodrigues; neither need be unit length). */
export function rotationBetween(from: readonly number[], to: readonly number[]): Float64Array {
  const a = unit(from);
  const b = unit(to);
  const axis = [a[1]! * b[2]! - a[2]! * b[1]!, a[2]! * b[0]! - a[0]! * b[2]!, a[0]! * b[1]! - a[1]! * b[0]!];
  const sine = Math.hypot(axis[0]!, axis[1]!, axis[2]!);
  const cosine = a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
  if (sine < 1e-12) return Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1);
  const [x, y, z] = axis.map((v) => v / sine) as [number, number, number];
  const t = 1 - cosine;
  return Float64Array.of(
    t * x * x + cosine, t * x * y - sine * z, t * x * z + sine * y,
    t * x * y + sine * z, t * y * y + cosine, t * y * z - sine * x,
    t * x * z - sine * y, t * y * z + sine * x, t * z * z + cosine,
  );
}

function unit(v: readonly number[]): number[] {
  const length = Math.hypot(v[0]!, v[1]!, v[2]!);
  return [v[0]! / length, v[1]! / length, v[2]! / length];
}
