import { describe, expect, it } from 'vitest';
import { faceMeshConnections, faceMeshPointCount, irisCentres } from './face-mesh-connections.ts';

describe('faceMeshConnections', () => {
  it('has MediaPipe’s list sizes', () => {
    const sizes = Object.fromEntries(Object.entries(faceMeshConnections).map(([feature, list]) => [feature, list.length]));
    expect(sizes).toEqual({
      tessellation: 2556,
      faceOval: 36,
      lips: 40,
      leftEye: 16,
      rightEye: 16,
      leftEyebrow: 8,
      rightEyebrow: 8,
      leftIris: 4,
      rightIris: 4,
    });
  });

  it('joins only landmarks that exist', () => {
    const indices = Object.values(faceMeshConnections).flatMap((list) => list.flatMap(({ start, end }) => [start, end]));
    expect(indices.filter((index) => !Number.isInteger(index) || index < 0 || index >= faceMeshPointCount)).toEqual([]);
  });

  it('meshes every face landmark, and rings each iris around the centre just before it', () => {
    const meshed = new Set(faceMeshConnections.tessellation.flatMap(({ start, end }) => [start, end]));
    expect(meshed.size).toBe(468);
    expect(Math.max(...meshed)).toBe(467);
    const ring = (list: typeof faceMeshConnections.leftIris) => [...new Set(list.flatMap(({ start, end }) => [start, end]))].sort();
    expect(ring(faceMeshConnections.leftIris)).toEqual([1, 2, 3, 4].map((offset) => irisCentres.left + offset));
    expect(ring(faceMeshConnections.rightIris)).toEqual([1, 2, 3, 4].map((offset) => irisCentres.right + offset));
  });
});
