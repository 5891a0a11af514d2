// `npm run bench`: runs every benchmark (or those named: `npm run bench -- cyclegan`), prints its table and keeps the
// result in bench/results/.
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cycleganBenchmark, formatCycleganTable } from './cyclegan.ts';
import { editorBenchmark, formatEditorTable } from './editor.ts';
import { face2faceBenchmark, formatFace2FaceTable } from './face2face.ts';
import { formatLandmarksTable, landmarksBenchmark } from './landmarks.ts';
import { deepfakesBenchmark, formatDeepfakesTable } from './deepfakes.ts';
import { formatMemoryTable, memoryBenchmark } from './memory.ts';
import { formatQueueTable, queueBenchmark } from './queue.ts';
import { formatReenactTable, reenactBenchmark } from './reenact.ts';
import { formatSpeechTable, speechBenchmark } from './speech.ts';
import { formatStartupTable, startupBenchmark } from './startup.ts';

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

/** Writes `<name>-<YYYY-MM-DD>.json` in bench/results/ with the date and the machine beside the figures. */
async function writeResults(name: string, figures: object): Promise<void> {
  const date = new Date();
  const results = { benchmark: name, date: date.toISOString(), machine: machine(), ...figures };
  const path = join(benchFolder, 'results', `${name}-${date.toISOString().slice(0, 10)}.json`);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`results written to ${path}`);
}

/** The benchmarks named on the command line (`npm run bench -- cyclegan reenact`); all where none is named. */
const chosen = process.argv.slice(2);

/** Runs one benchmark after the other (side by side they would compete for the two cores), prints and keeps its result. */
async function runBenchmark<T extends object>(name: string, run: () => Promise<T | { skipped: string }>, format: (result: T) => string): Promise<T | undefined> {
  if (chosen.length > 0 && !chosen.includes(name)) return undefined;
  const outcome = await run();
  if ('skipped' in outcome) {
    console.log(`${name} benchmark cannot run: ${outcome.skipped}\n`);
    return undefined;
  }
  console.log(`${format(outcome)}`);
  await writeResults(name, outcome);
  console.log('');
  return outcome;
}

/** Memory growth is a failure (exit 1); a missed speed target is only reported: it is a goal, not a guarantee. */
async function main(): Promise<number> {
  const memory = await runBenchmark('memory', () => memoryBenchmark(repoRoot), formatMemoryTable);
  await runBenchmark('startup', () => startupBenchmark(repoRoot), formatStartupTable);
  await runBenchmark('landmarks', () => landmarksBenchmark(repoRoot), formatLandmarksTable);
  await runBenchmark('face2face', () => face2faceBenchmark(repoRoot), formatFace2FaceTable);
  await runBenchmark('speech', () => speechBenchmark(repoRoot), formatSpeechTable);
  await runBenchmark('reenact', () => reenactBenchmark(repoRoot), formatReenactTable);
  await runBenchmark('deepfakes', () => deepfakesBenchmark(repoRoot), formatDeepfakesTable);
  await runBenchmark('cyclegan', () => cycleganBenchmark(repoRoot), formatCycleganTable);
  await runBenchmark('editor', () => editorBenchmark(repoRoot), formatEditorTable);
  await runBenchmark('queue', () => queueBenchmark(repoRoot), formatQueueTable);
  return memory && !memory.pass ? 1 : 0;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(`benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
