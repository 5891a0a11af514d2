// `npm run bench`: runs every benchmark, prints its table and keeps the result in bench/results/.
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { editorBenchmark, formatEditorTable } from './editor.ts';
import { face2faceBenchmark, formatFace2FaceTable } from './face2face.ts';
import { formatLandmarksTable, landmarksBenchmark } from './landmarks.ts';
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

/** Writes `<name>-<YYYY-MM-DD>.json` in bench/results/ with the date and the machine beside the figures. */
async function writeResults(name: string, figures: object): Promise<void> {
  const date = new Date();
  const results = { benchmark: name, date: date.toISOString(), machine: machine(), ...figures };
  const path = join(benchFolder, 'results', `${name}-${date.toISOString().slice(0, 10)}.json`);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`results written to ${path}`);
}

/** Memory growth is a failure (exit 1); a missed landmarks target is only reported, it is a goal, not a guarantee. */
async function main(): Promise<number> {
  let code = 0;
  const memory = await memoryBenchmark(repoRoot);
  if ('skipped' in memory) {
    console.log(`memory benchmark cannot run: ${memory.skipped}`);
  } else {
    console.log(formatMemoryTable(memory));
    await writeResults('memory', memory);
    code = memory.pass ? 0 : 1;
  }

  // After memory, not beside it: both would compete for the two cores and blur each other's figures.
  console.log('');
  const landmarks = await landmarksBenchmark(repoRoot);
  if ('skipped' in landmarks) {
    console.log(`landmarks benchmark cannot run: ${landmarks.skipped}`);
  } else {
    console.log(formatLandmarksTable(landmarks));
    await writeResults('landmarks', landmarks);
  }

  // A missed speed target is reported, like the landmarker's.
  console.log('');
  const face2face = await face2faceBenchmark(repoRoot);
  if ('skipped' in face2face) {
    console.log(`face2face benchmark cannot run: ${face2face.skipped}`);
  } else {
    console.log(formatFace2FaceTable(face2face));
    await writeResults('face2face', face2face);
  }

  console.log('');
  const editor = await editorBenchmark(repoRoot);
  if ('skipped' in editor) {
    console.log(`editor benchmark cannot run: ${editor.skipped}`);
  } else {
    console.log(formatEditorTable(editor));
    await writeResults('editor', editor);
  }
  return code;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(`benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
