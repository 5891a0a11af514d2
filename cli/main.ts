import { CommanderError } from 'commander';
import { CancelledError, GraphError, VivifyError, formatProblem } from '../runtime/errors.ts';
import { createProgram } from './program.ts';

/** Runs the CLI and returns its exit status: 0 success, 1 runtime failure, 2 bad usage or invalid graph, 130 cancelled. */
export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    await createProgram().parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    return report(error, debug);
  }
}

function report(error: unknown, debug: boolean): number {
  if (error instanceof CommanderError) {
    // Commander has already printed its message (or the help).
    return ['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(error.code) ? 0 : 2;
  }
  if (error instanceof GraphError) {
    const lines = error.problems.map((problem) => `  ${formatProblem(problem)}`);
    process.stderr.write(`vivify: ${error.source}: ${error.problems.length === 1 ? '1 problem' : `${error.problems.length} problems`}:\n${lines.join('\n')}\n`);
  } else if (error instanceof VivifyError) {
    process.stderr.write(`vivify: ${error instanceof CancelledError ? 'cancelled; nothing was written' : error.message}\n`);
  } else {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`vivify: internal error: ${message}${debug ? '' : ' (run with --debug for details)'}\n`);
  }
  if (debug && error instanceof Error) process.stderr.write(`${error.stack ?? ''}\n`);
  return error instanceof VivifyError ? error.exitCode : 1;
}
