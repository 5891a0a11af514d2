/**
 * The status line's rule: it shows one message, the newest (a new one replaces the one shown), and any message, an
 * error too, stays until the user's next action (a click, a key, a drop) and then clears, so that nothing stale stays
 * on screen. A message that came just before the action (less than `graceMs`) stays: it is the action's own answer,
 * or too new to have been read.
 */
export function createStatusLine(options: { now(): number; graceMs?: number }) {
  const graceMs = options.graceMs ?? 300;
  let text = '';
  let since = 0;
  return {
    /** What the status line shows now. */
    text: () => text,
    /** A new message (empty: none). */
    say(next: string): void {
      text = next;
      since = options.now();
    },
    /** The user acted: answers whether the message shown goes (it is cleared if so). */
    action(): boolean {
      if (!text || options.now() - since < graceMs) return false;
      text = '';
      return true;
    },
  };
}
