/**
 * Errors a user can act on. Their messages are complete sentences meant to be printed as they are,
 * on one line; the CLI maps `exitCode` to its status and prints a stack trace only with `--debug`.
 */

/** A problem found in a graph document, located by a JSON path such as `nodes.out.params.crf`. */
export interface Problem {
  path: string;
  message: string;
}

export function formatProblem(problem: Problem): string {
  return problem.path ? `${problem.path}: ${problem.message}` : problem.message;
}

/** Base class for errors whose message is meant for the user. Exit code 1 is a runtime failure. */
export class VivifyError extends Error {
  override name = 'VivifyError';
  get exitCode(): number {
    return 1;
  }
}

/** Bad usage: a missing or unreadable input file, an output that exists, a bad option. Exit code 2. */
export class UsageError extends VivifyError {
  override name = 'UsageError';
  override get exitCode(): number {
    return 2;
  }
}

/** A graph document that cannot run, with every problem found. Exit code 2. */
export class GraphError extends VivifyError {
  override name = 'GraphError';
  constructor(
    readonly source: string,
    readonly problems: Problem[],
  ) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`${source}: ${count}: ${problems.map(formatProblem).join('; ')}`);
  }
  override get exitCode(): number {
    return 2;
  }
}

/** A failure inside one node, naming the node and, where it happened per frame, the frame. */
export class NodeRunError extends VivifyError {
  override name = 'NodeRunError';
  constructor(
    readonly nodeId: string,
    readonly nodeType: string,
    readonly frameIndex: number | undefined,
    cause: unknown,
  ) {
    const where = frameIndex === undefined ? '' : ` at frame ${frameIndex}`;
    super(`node "${nodeId}" (${nodeType}) failed${where}: ${messageOf(cause)}`, { cause });
  }
  override get exitCode(): number {
    return this.cause instanceof VivifyError ? this.cause.exitCode : 1;
  }
}

/** Thrown where a run is cancelled through its AbortSignal. */
export class CancelledError extends VivifyError {
  override name = 'CancelledError';
  constructor() {
    super('cancelled');
  }
  override get exitCode(): number {
    return 130;
  }
}

export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
