import { UsageError } from '../errors.ts';
import { dict } from './own.ts';

/*
 * How `vivify render`'s command line names a graph's inputs and its frame range: read by the CLI, written by the
 * editor's "render this from the command line" line, so the two cannot drift apart.
 */

/** The flag that sets a graph input: `-o` for the output, `--<name>` for the others (`--source`, `--driving`). */
export function inputFlag(inputName: string): string {
  return inputName === 'output' ? '-o' : `--${inputName}`;
}

/** The command-line option that sets a graph input, as problems name it. */
export function optionFor(inputName: string): string {
  return `${inputFlag(inputName)} FILE`;
}

/**
 * The long options of `vivify render` that set no input: a graph input of one of these names could not be given
 * (its flag would be render's own), so the graph check refuses them. test/hostile-graphs.test.ts holds this list to
 * cli/program.ts.
 */
export const renderOptionNames = ['set', 'frames', 'provider', 'force', 'graph-outputs', 'json', 'models-dir', 'debug', 'queue', 'chunk-frames', 'help'] as const;

/**
 * Reads what `vivify render` leaves of its command line once its own options are taken: the graph, and a
 * `--name FILE` (or `--name=FILE`) for each other input of the graph, so that every input a graph names is a flag.
 * Whether the graph has such an input is checked with the graph (applyOverrides).
 */
export function readRenderArguments(args: readonly string[]): { graph: string; inputs: Record<string, string> } {
  const operands: string[] = [];
  const inputs = dict<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      operands.push(arg);
      continue;
    }
    const match = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/s.exec(arg);
    if (!match) throw new UsageError(`${arg}: not an option of vivify render (see vivify render --help)`);
    const name = match[1]!;
    const value = match[2] ?? args[++i];
    if (value === undefined) {
      throw new UsageError(`--${name}: not an option of vivify render; a graph input takes a file (--${name} FILE)`);
    }
    if (Object.hasOwn(inputs, name)) throw new UsageError(`--${name}: given twice`);
    inputs[name] = value;
  }
  if (operands.length === 0) throw new UsageError('vivify render: name the graph to render (a .json file, or a video Vivify rendered)');
  if (operands.length > 1) throw new UsageError(`${operands[1]}: one graph at a time (the graph is ${operands[0]})`);
  return { graph: operands[0]!, inputs };
}

/** `A:B` (frames A to B-1, 0-based), `A:` (from A to the end), `:B` (the first B frames). */
export function parseFrameRange(text: string | undefined): { start: number; end?: number } {
  if (text === undefined) return { start: 0 };
  const match = /^(\d*):(\d*)$/.exec(text.trim());
  if (!match || (match[1] === '' && match[2] === '')) {
    throw new UsageError(`--frames ${text}: expected A:B (0-based, B exclusive), A: or :B`);
  }
  const start = match[1] ? Number(match[1]) : 0;
  const end = match[2] ? Number(match[2]) : undefined;
  if (end !== undefined && end <= start) throw new UsageError(`--frames ${text}: the end must come after the start`);
  return end === undefined ? { start } : { start, end };
}

/** The `--frames` value for a range (parseFrameRange's inverse); undefined for the whole video. */
export function formatFrameRange(frames: { start: number; end?: number } | undefined): string | undefined {
  if (!frames || (frames.start === 0 && frames.end === undefined)) return undefined;
  return `${frames.start}:${frames.end ?? ''}`;
}
