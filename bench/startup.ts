import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { compileDist } from '../cli/package-build.ts';

const exec = promisify(execFile);

export interface StartupResult {
  /** Median seconds of `vivify --version` run from the TypeScript sources through tsx (a checkout). */
  fromSourceSeconds: number;
  /** The same, compiled (dist/: what the npm package runs). */
  compiledSeconds: number;
  /** The compiled CLI's `--help` (the whole program defined, no command loaded). */
  compiledHelpSeconds: number;
  target: number;
  pass: boolean;
}

const runs = 7;

async function median(args: string[]): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await exec(process.execPath, args);
    times.push((performance.now() - started) / 1000);
  }
  return times.sort((a, b) => a - b)[runs >> 1]!;
}

/**
 * How long the CLI takes to answer before any work, from source and compiled, in one run (the ratio is what holds on
 * a noisy machine). Builds dist/ first (tsc, as `npm pack` does).
 */
export async function startupBenchmark(repoRoot: string): Promise<StartupResult> {
  await compileDist(repoRoot);
  const compiled = (argument: string) => [
    '--input-type=module',
    '-e',
    `const { main } = await import(${JSON.stringify(join(repoRoot, 'dist', 'cli', 'main.js'))}); process.exitCode = await main([${JSON.stringify(argument)}]);`,
  ];
  const fromSourceSeconds = await median([join(repoRoot, 'bin', 'vivify.js'), '--version']);
  const compiledSeconds = await median(compiled('--version'));
  const compiledHelpSeconds = await median(compiled('--help'));
  const target = 0.3;
  return { fromSourceSeconds, compiledSeconds, compiledHelpSeconds, target, pass: compiledSeconds <= target };
}

export function formatStartupTable(result: StartupResult): string {
  const row = (what: string, seconds: number) => `| ${what.padEnd(34)} | ${seconds.toFixed(3).padStart(7)} |`;
  return [
    `CLI start-up (median of ${runs} runs)`,
    '| run                                | seconds |',
    '|------------------------------------|---------|',
    row('--version from source (tsx)', result.fromSourceSeconds),
    row('--version compiled (the package)', result.compiledSeconds),
    row('--help compiled', result.compiledHelpSeconds),
    `compiled --version ${result.pass ? 'within' : 'over'} the ${result.target} s target; ${(result.fromSourceSeconds / result.compiledSeconds).toFixed(1)}x faster than from source`,
  ].join('\n');
}
