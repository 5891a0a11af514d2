import { describe, expect, it } from 'vitest';
import { meanFaceLandmarks, meanFacePoints } from '../../runtime/align/mean-face.ts';
import { handMadeFace, movedFace } from '../../test/support/hand-made-face.ts';
import { deriveMeanFace, meanFaceSource, ovalHeightInCrop, templateIndices, templateLandmarks } from './derive-mean-face.ts';

/** The stored mean face itself as 478 landmarks (x 200 pixels), the oval on an ellipse inside hairline 10 and chin 152. */
function storedFace(): Float32Array {
  const points = handMadeFace(55, 70);
  points.set([100, 25, 0], 10 * 3);
  return points;
}

describe('deriveMeanFace', () => {
  it('lists each template landmark once, with the stored file in the same order', () => {
    expect(new Set(templateIndices).size).toBe(templateIndices.length);
    expect(templateIndices).toEqual(meanFaceLandmarks);
    expect(templateLandmarks.every(([right, left]) => templateIndices.includes(right) && templateIndices.includes(left))).toBe(true);
  });

  it('gives back an upright symmetric face from turned, scaled and moved copies of it', () => {
    const face = storedFace();
    const copies = [face, movedFace(face, [0.5, -1.2, 400, 1.2, 0.5, 30]), movedFace(face, [-2, 0.1, 900, -0.1, -2, 700])];
    const mean = deriveMeanFace(copies);
    expect(mean.faces).toBe(3);
    for (let i = 0; i < meanFacePoints.length; i++) expect(mean.points[i]).toBeCloseTo(meanFacePoints[i]!, 4);
    expect(mean.oval.bottom - mean.oval.top).toBeCloseTo(ovalHeightInCrop, 6);
    expect((mean.oval.top + mean.oval.bottom) / 2).toBeCloseTo(0.5, 6);
  });

  it('averages two different faces into one between them, exactly symmetric', () => {
    const face = storedFace();
    // A wider mouth and lower chin on one of them, and a lopsided eye on the other.
    const wide = Float32Array.from(face);
    wide[61 * 3]! -= 8;
    wide[291 * 3]! += 8;
    const lopsided = Float32Array.from(face);
    lopsided[33 * 3 + 1]! += 4;
    const mean = deriveMeanFace([wide, lopsided]);
    const at = (index: number) => [mean.points[templateIndices.indexOf(index) * 2]!, mean.points[templateIndices.indexOf(index) * 2 + 1]!];
    for (const [right, left] of templateLandmarks) {
      expect(at(right)[0]! + at(left)[0]!).toBeCloseTo(1, 9);
      expect(at(right)[1]).toBeCloseTo(at(left)[1]!, 9);
    }
    const mouth = at(291)[0]! - at(61)[0]!;
    const stored = meanFacePoints[templateIndices.indexOf(291) * 2]! - meanFacePoints[templateIndices.indexOf(61) * 2]!;
    expect(mouth).toBeGreaterThan(stored);
    expect(mouth).toBeLessThan(stored + 16 / 200);
  });

  it('writes a source file that names the template and holds every landmark', () => {
    const source = meanFaceSource(deriveMeanFace([storedFace()]), ['a.mp4']);
    expect(source).toContain("export const meanFaceName = 'vivify-mean-face-v1';");
    expect(source.match(/^ {2}\d+, [\d.]+, [\d.]+,$/gm)).toHaveLength(templateIndices.length);
  });
});
