import { describe, expect, it } from 'vitest';
import { workingSize } from './working-size.ts';

describe('workingSize', () => {
  it('scales the shorter side to the resolution, keeps the aspect ratio, and rounds both sides to multiples of 4', () => {
    expect(workingSize(720, 1280, 512)).toEqual({ width: 512, height: 912 });
    expect(workingSize(1280, 720, 256)).toEqual({ width: 456, height: 256 });
    expect(workingSize(256, 256, 256)).toEqual({ width: 256, height: 256 });
    // Up as well as down.
    expect(workingSize(100, 150, 384)).toEqual({ width: 384, height: 576 });
    expect(workingSize(333, 500, 250)).toEqual({ width: 252, height: 376 });
  });
});
