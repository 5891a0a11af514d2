/**
 * Twice the signed area of triangle a, b, c of flat x, y pairs: (b - a) x (c - a). Positive where the corners run
 * clockwise on screen (image coordinates, y down); its sign flips when a warp folds the triangle over.
 */
export function signedArea2(points: ArrayLike<number>, a: number, b: number, c: number): number {
  const ax = points[2 * a]!;
  const ay = points[2 * a + 1]!;
  return (points[2 * b]! - ax) * (points[2 * c + 1]! - ay) - (points[2 * c]! - ax) * (points[2 * b + 1]! - ay);
}
