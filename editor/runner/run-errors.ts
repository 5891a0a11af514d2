import { CancelledError, NodeRunError, VivifyError } from '../../runtime/errors.ts';

/** A run's failure as the editor tells it: a plain sentence, the node at fault, and what goes to the console. */
export interface RunFailureReport {
  /** One sentence for the status line: never a bare TypeError or a stack. */
  text: string;
  /** The node that failed, where one did. */
  nodeId?: string;
  cancelled: boolean;
  /** The failure was not one of Vivify's own sentences: `detail` (message and stack) belongs in the console. */
  internal: boolean;
  detail?: string;
}

/** A failure told across the worker boundary: the report made where the error happened. */
export class ReportedRunError extends VivifyError {
  override name = 'ReportedRunError';
  constructor(readonly report: RunFailureReport) {
    super(report.text);
  }
}

const internalText = 'an internal error stopped it (the details are in the browser console)';

/**
 * What the user is told of a failed run. Vivify's own errors, and plain `Error`s (the hosts and nodes throw
 * sentences), are shown as they are; anything else (a TypeError from a bug, a wasm trap) becomes a plain sentence
 * naming the node, with the detail kept for the console.
 */
export function describeRunError(error: unknown): RunFailureReport {
  if (error instanceof ReportedRunError) return error.report;
  if (error instanceof CancelledError) return { text: 'cancelled', cancelled: true, internal: false };
  if (error instanceof NodeRunError) {
    const cause = error.cause;
    if (isSentence(cause)) return { text: error.message, nodeId: error.nodeId, cancelled: false, internal: false };
    const where = error.frameIndex === undefined ? '' : ` at frame ${error.frameIndex}`;
    return { text: `node "${error.nodeId}" (${error.nodeType}) failed${where}: ${internalText}`, nodeId: error.nodeId, cancelled: false, internal: true, detail: detailOf(cause) };
  }
  if (isSentence(error)) return { text: (error as Error).message, cancelled: false, internal: false };
  return { text: `the run failed: ${internalText}`, cancelled: false, internal: true, detail: detailOf(error) };
}

/** Vivify's errors and plain Errors carry sentences; built-in subclasses (TypeError, RangeError…) and non-errors do not. */
function isSentence(error: unknown): boolean {
  if (!(error instanceof Error) || error.message.trim() === '') return false;
  return error instanceof VivifyError || Object.getPrototypeOf(error) === Error.prototype;
}

function detailOf(error: unknown): string {
  if (error instanceof Error) return error.stack?.includes(error.message) ? error.stack : `${error.name}: ${error.message}\n${error.stack ?? ''}`;
  return String(error);
}
