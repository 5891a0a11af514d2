/**
 * What must not outlive the process, whichever way it ends (a second Ctrl-C exits at once): encoders still writing
 * and the temporary files they write to. Each entry is synchronous, since nothing asynchronous runs at 'exit'.
 */
const pending = new Set<() => void>();
let hooked = false;

/** Runs `cleanUp` if the process exits before `release` (the returned function) is called. */
export function cleanUpAtExit(cleanUp: () => void): () => void {
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      // Encoders first, so that none writes again to a file removed after it.
      for (const entry of [...pending].reverse()) {
        try {
          entry();
        } catch {
          // Exiting regardless: what could not be cleaned is cleaned at the next render (stale temporary files).
        }
      }
    });
  }
  pending.add(cleanUp);
  return () => pending.delete(cleanUp);
}
