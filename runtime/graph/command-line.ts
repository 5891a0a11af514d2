import { UsageError } from '../errors.ts';

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
