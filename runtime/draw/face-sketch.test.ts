import { describe, expect, it } from 'vitest';
import { faceMeshConnections, irisCentres } from './face-mesh-connections.ts';
import { drawFaceSketch, faceSketchFeatures } from './face-sketch.ts';

const pixel = (data: Uint8Array, size: number, x: number, y: number) => Array.from(data.subarray((y * size + x) * 4, (y * size + x) * 4 + 4));
const nonBlack = (data: Uint8Array) => {
  let count = 0;
  for (let at = 0; at < data.length; at += 4) if (data[at]! + data[at + 1]! + data[at + 2]! > 0) count++;
  return count;
};

/** Every landmark missing except those set: so only the lines between set landmarks can be drawn. */
function only(count: number, set: Record<number, [number, number]>): Float32Array {
  const points = new Float32Array(count * 3).fill(Number.NaN);
  for (const [landmark, [x, y]] of Object.entries(set)) points.set([x, y, 0], Number(landmark) * 3);
  return points;
}

describe('drawFaceSketch', () => {
  it('draws each feature in its own colour on black, and nothing where landmarks are missing', () => {
    const empty = drawFaceSketch(only(478, {}), 64);
    expect(nonBlack(empty.data)).toBe(0);
    expect(pixel(empty.data, 64, 10, 10)).toEqual([0, 0, 0, 255]);

    const lip = faceMeshConnections.lips[0]!;
    const sketch = drawFaceSketch(only(478, { [lip.start]: [10.5, 32.5], [lip.end]: [50.5, 32.5] }), 64);
    const lipsColour = faceSketchFeatures.find(({ connections }) => connections === faceMeshConnections.lips)!.color;
    expect(pixel(sketch.data, 64, 30, 32)).toEqual([...lipsColour]);
    expect(pixel(sketch.data, 64, 30, 20)).toEqual([0, 0, 0, 255]);
  });

  it('scales strokes with the sketch, so the same aligned crop size gives the same picture', () => {
    const oval = faceMeshConnections.faceOval[0]!;
    const at = (size: number) => only(478, { [oval.start]: [size * 0.2, size / 2 + 0.5], [oval.end]: [size * 0.8, size / 2 + 0.5] });
    const small = nonBlack(drawFaceSketch(at(128), 128).data);
    const large = nonBlack(drawFaceSketch(at(256), 256).data);
    expect(large / small).toBeGreaterThan(3);
    expect(drawFaceSketch(at(128), 128).data).toEqual(drawFaceSketch(at(128), 128).data);
  });

  it('draws pupils only where the mesh has irises', () => {
    const centres = { [irisCentres.left]: [20.5, 20.5] as [number, number], [irisCentres.right]: [40.5, 20.5] as [number, number] };
    expect(nonBlack(drawFaceSketch(only(478, centres), 64).data)).toBeGreaterThan(0);
    expect(nonBlack(drawFaceSketch(only(468, {}), 64).data)).toBe(0);
  });
});
