// `npm run bench`: runs every benchmark, prints its table and keeps the result in bench/results/.
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatMemoryTable, memoryBenchmark } from './memory.ts';

const benchFolder = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(benchFolder, '..');

/** The machine, so that results from different computers are not compared by mistake. */
function machine() {
  const cpuList = cpus();
  return {
    cpus: cpuList[0]?.model ?? 'unknown',
    cores: cpuList.length,
    totalMemGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    ffmpeg: execFileSync('ffmpeg', ['-version'], { encoding: 'utf8' }).split('\n')[0] ?? 'unknown',
  };
}

async function main(): Promise<number> {
  const outcome = await memoryBenchmark(repoRoot);
  if ('skipped' in outcome) {
    console.log(`memory benchmark cannot run: ${outcome.skipped}`);
    return 0;
  }
  console.log(formatMemoryTable(outcome));

  const date = new Date();
  const results = { benchmark: 'memory', date: date.toISOString(), machine: machine(), ...outcome };
  const path = join(benchFolder, 'results', `memory-${date.toISOString().slice(0, 10)}.json`);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`results written to ${path}`);
  return outcome.pass ? 0 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(`benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
