import type { CliResult } from './cli.ts';

/** What tests read from `vivify train … --json`: its JSON lines, and how a loss moved over the progress lines. */

export interface TrainingLine {
  type: string;
  [key: string]: unknown;
}

export const jsonLines = (result: CliResult): TrainingLine[] =>
  result.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as TrainingLine);

export const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

/** A loss at first (the mean of the first `first` progress lines) and at last (of the last three), and the speed in it/s. */
export function lossChange(lines: TrainingLine[], key: string, first = 3): { early: number; late: number; speed: number; last: number } {
  const progress = lines.filter((line) => line.type === 'progress') as (TrainingLine & { iteration: number; it_per_s: number })[];
  const values = progress.map((line) => Number(line[key]));
  return {
    early: mean(values.slice(0, first)),
    late: mean(values.slice(-3)),
    speed: mean(progress.slice(1).map((line) => line.it_per_s)),
    last: progress.at(-1)?.iteration ?? 0,
  };
}
