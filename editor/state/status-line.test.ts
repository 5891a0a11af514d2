import { describe, expect, it } from 'vitest';
import { createStatusLine } from './status-line.ts';

describe('the status line', () => {
  it('shows the newest message only, until the next action after it', () => {
    let now = 0;
    const status = createStatusLine({ now: () => now });
    status.say('opened animate-painting.json');
    now = 100;
    status.say('s9.jpg → paint.path');
    expect(status.text()).toBe('s9.jpg → paint.path');
    // Left alone, it stays (an error is read at the user's pace).
    now = 60_000;
    expect(status.text()).toBe('s9.jpg → paint.path');
    expect(status.action()).toBe(true);
    expect(status.text()).toBe('');
    expect(status.action()).toBe(false);
  });

  it('keeps a message that came with the action itself', () => {
    let now = 0;
    const status = createStatusLine({ now: () => now });
    status.say('broken.json was not opened: not valid JSON at line 1, column 3; the graph shown is unchanged');
    now = 5_000;
    status.say('share link copied');
    now = 5_050;
    expect(status.action()).toBe(false);
    expect(status.text()).toBe('share link copied');
    now = 9_000;
    expect(status.action()).toBe(true);
  });
});
