/**
 * Runs `task` for the newest request only: while a run is under way, requests are not queued one by one but folded
 * into one more run after it, which then sees the newest state. A slider dragged over fifty steps redraws a few times
 * (as fast as a redraw takes), and always ends on the last value. Each request resolves when a run that started after
 * it has ended.
 */
export function newestWins(task: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  let next: Promise<void> | undefined;

  const run = (): Promise<void> => {
    running = task()
      .catch(() => undefined)
      .finally(() => {
        running = undefined;
      });
    return running;
  };

  return () => {
    if (!running) return run();
    // One more run after this one, shared by every request made meanwhile.
    next ??= running.then(() => {
      next = undefined;
      return run();
    });
    return next;
  };
}
