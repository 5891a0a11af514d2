/**
 * Runs `work` with a signal that Ctrl-C (or SIGTERM) aborts: the executor then stops, cleans up and the CLI exits 130.
 * A second Ctrl-C does not wait for the clean-up.
 */
export async function cancelOnSignal<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const cancel = () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  };
  process.on('SIGINT', cancel);
  process.on('SIGTERM', cancel);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', cancel);
    process.off('SIGTERM', cancel);
  }
}
