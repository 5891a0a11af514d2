import { describe, expect, it } from 'vitest';
import { FaceTracker, faceBox } from './face-choice.ts';

interface Face {
  name: string;
  points: Float32Array;
  confidence: number;
}

/** A face whose landmarks fill a square of side `size` centred at (x, y). */
function face(name: string, x: number, y: number, size: number): Face {
  const half = size / 2;
  const points = Float32Array.of(x - half, y - half, 0, x + half, y + half, 5, x, y, -3);
  return { name, points, confidence: 0.9 };
}

describe('faceBox', () => {
  it('spans the x and y of every landmark, ignoring z', () => {
    expect(faceBox(Float32Array.of(10, 20, 999, 30, 5, -999, 15, 40, 0))).toEqual({ left: 10, top: 5, right: 30, bottom: 40 });
  });
});

describe('FaceTracker', () => {
  it('finds nothing in a frame without faces', () => {
    expect(new FaceTracker<Face>({ mode: 'largest' }).choose([])).toBeUndefined();
  });

  it('picks the largest face first', () => {
    const tracker = new FaceTracker<Face>({ mode: 'largest' });
    expect(tracker.choose([face('small', 100, 100, 50), face('big', 400, 100, 120), face('mid', 700, 100, 80)])?.name).toBe('big');
  });

  it('counts the index from the left, whatever order the detector gave', () => {
    const faces = [face('right', 900, 100, 50), face('left', 100, 300, 50), face('middle', 500, 50, 50)];
    const pick = (index: number): string | undefined => new FaceTracker<Face>({ mode: 'index', index }).choose(faces)?.name;
    expect(pick(0)).toBe('left');
    expect(pick(1)).toBe('middle');
    expect(pick(2)).toBe('right');
    expect(pick(3)).toBeUndefined();
  });

  it('picks the face nearest the given point', () => {
    const tracker = new FaceTracker<Face>({ mode: 'nearest', x: 650, y: 120 });
    expect(tracker.choose([face('a', 100, 100, 200), face('b', 700, 100, 50), face('c', 400, 400, 50)])?.name).toBe('b');
  });

  it('keeps following a moving face while another is bigger and nearer the point', () => {
    const tracker = new FaceTracker<Face>({ mode: 'nearest', x: 100, y: 100 });
    expect(tracker.choose([face('walker', 100, 100, 60), face('big', 500, 400, 150)])?.name).toBe('walker');
    // The walker crosses the frame 40 px at a time; past x = 600 the big face is nearer the point, so the rule
    // alone would switch to it.
    for (let x = 140; x <= 900; x += 40) {
      expect(tracker.choose([face('big', 500, 400, 150), face('walker', x, 100, 60)])?.name).toBe('walker');
    }
  });

  it('tracks by position rather than picking the largest again', () => {
    const tracker = new FaceTracker<Face>({ mode: 'largest' });
    expect(tracker.choose([face('first', 100, 100, 100), face('other', 500, 100, 60)])?.name).toBe('first');
    expect(tracker.choose([face('other', 500, 100, 150), face('first', 120, 110, 100)])?.name).toBe('first');
  });

  it('falls back to the rule when the tracked face jumped more than its size', () => {
    const tracker = new FaceTracker<Face>({ mode: 'largest' });
    expect(tracker.choose([face('a', 100, 100, 100)])?.name).toBe('a');
    // Nearest is 'gone' at 300 px away (three box sizes): not the same face, so the largest wins.
    expect(tracker.choose([face('gone', 400, 100, 40), face('big', 900, 100, 200)])?.name).toBe('big');
  });

  it('finds the tracked face again after frames without faces', () => {
    const tracker = new FaceTracker<Face>({ mode: 'largest' });
    expect(tracker.choose([face('a', 100, 100, 100), face('b', 600, 100, 50)])?.name).toBe('a');
    expect(tracker.choose([])).toBeUndefined();
    expect(tracker.choose([face('b', 600, 100, 200), face('a', 110, 100, 100)])?.name).toBe('a');
  });

  it('chooses by the rule again after reset', () => {
    const tracker = new FaceTracker<Face>({ mode: 'largest' });
    tracker.choose([face('a', 100, 100, 100), face('b', 600, 100, 50)]);
    tracker.reset();
    expect(tracker.choose([face('a', 100, 100, 100), face('b', 600, 100, 200)])?.name).toBe('b');
  });
});
