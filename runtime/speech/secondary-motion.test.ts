import { describe, expect, it } from 'vitest';
import { secondaryMotion } from './secondary-motion.ts';
import type { SpeechFrame } from './speech-analysis.ts';

/** A minute of speech at 25 fps: two seconds of talking, then a second of pause, over and over. */
const speech: SpeechFrame[] = Array.from({ length: 1500 }, (_, k) => {
  const speaking = k % 75 < 50;
  return { jaw: 0, round: 0, spread: 0, closed: 0, energy: speaking ? 0.5 + 0.4 * Math.sin(k / 3) : 0, pitch: speaking ? 3 * Math.sin(k / 11) : 0, speaking };
});

function blinks(track: number[]): number {
  return track.filter((value, k) => value > 0.5 && !(track[k - 1]! > 0.5)).length;
}

describe('secondary motion', () => {
  it('blinks at about the rate asked, and the same seed gives the same motion', () => {
    const motion = secondaryMotion(speech, { fps: 25, blinkRate: 17, headMotion: 1, seed: 7 });
    expect(blinks(motion.map((m) => m.blink))).toBeGreaterThanOrEqual(10);
    expect(blinks(motion.map((m) => m.blink))).toBeLessThanOrEqual(26);
    expect(secondaryMotion(speech, { fps: 25, blinkRate: 17, headMotion: 1, seed: 7 })).toEqual(motion);
    expect(secondaryMotion(speech, { fps: 25, blinkRate: 17, headMotion: 1, seed: 8 })).not.toEqual(motion);
    expect(blinks(secondaryMotion(speech, { fps: 25, blinkRate: 0, headMotion: 1, seed: 7 }).map((m) => m.blink))).toBe(0);
  });

  it('moves the head a few degrees, smoothly, and not at all with head motion 0', () => {
    const motion = secondaryMotion(speech, { fps: 25, blinkRate: 17, headMotion: 1, seed: 7 });
    for (const axis of ['yaw', 'pitch', 'roll'] as const) {
      const values = motion.map((m) => m[axis]);
      expect(Math.max(...values.map(Math.abs))).toBeLessThan(8);
      expect(Math.max(...values.slice(1).map((v, k) => Math.abs(v - values[k]!)))).toBeLessThan(1);
    }
    expect(Math.max(...motion.map((m) => m.brows))).toBeGreaterThan(0.2);
    const still = secondaryMotion(speech, { fps: 25, blinkRate: 17, headMotion: 0, seed: 7 });
    expect(still.every((m) => m.yaw === 0 && m.pitch === 0 && m.roll === 0)).toBe(true);
  });
});
