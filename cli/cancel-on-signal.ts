/**
 * Runs `work` with a signal that Ctrl-C (or SIGTERM) aborts: the executor then stops, cleans up and the CLI exits 130.
 * A second Ctrl-C does not wait for the clean-up: the process exits at once, and its exit hook still removes the
 * temporary files and stops the encoders (runtime/node/exit-cleanup.ts).
 */
export async function cancelOnSignal<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const cancel = () => {
    if (controller.signal.aborted) {
      process.stderr.write('vivify: cancelled; nothing was written\n');
      process.exit(130);
    }
    controller.abort();
  };
  process.on('SIGINT', cancel);
  process.on('SIGTERM', cancel);
  try {
    return await work(controller.signal);
  } finally {
    // Once cancelled, the process is on its way out (exit 130): a further Ctrl-C must still find this handler, or
    // the default action would kill the process before its clean-up.
    if (!controller.signal.aborted) {
      process.off('SIGINT', cancel);
      process.off('SIGTERM', cancel);
    }
  }
}
