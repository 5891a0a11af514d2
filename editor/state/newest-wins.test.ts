import { describe, expect, it } from 'vitest';
import { newestWins } from './newest-wins.ts';

describe('newest wins', () => {
  it('folds the requests made during a run into one more run, which sees the newest value', async () => {
    let value = 0;
    const seen: number[] = [];
    let release: (() => void) | undefined;
    const redraw = newestWins(async () => {
      seen.push(value);
      await new Promise<void>((resolve) => (release = resolve));
    });
    const first = redraw();
    const later: Promise<void>[] = [];
    for (value = 1; value <= 20; value++) later.push(redraw());
    value = 20;
    release!();
    await first;
    // The one run after the first has started, with the last value.
    await Promise.resolve();
    expect(seen).toEqual([0, 20]);
    release!();
    await Promise.all(later);
    expect(seen).toEqual([0, 20]);
    // Idle again: the next request runs at once.
    const again = redraw();
    expect(seen).toEqual([0, 20, 20]);
    release!();
    await again;
  });

  it('goes on after a failed run', async () => {
    let runs = 0;
    const redraw = newestWins(async () => {
      runs++;
      if (runs === 1) throw new Error('no frame');
    });
    await redraw();
    await redraw();
    expect(runs).toBe(2);
  });
});
