import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import { createRegistry } from '../../nodes/index.ts';
import { GraphError, UsageError, VivifyError } from '../../runtime/errors.ts';
import type { GraphDocument } from '../../runtime/graph/document.ts';
import { checkGraph } from '../../runtime/graph/load.ts';
import { applyOverrides } from '../../runtime/graph/overrides.ts';
import { readGraphFile } from '../../runtime/node/graph-file.ts';
import { displayPath } from '../../runtime/node/paths.ts';
import type { NodeRegistry } from '../../runtime/registry.ts';
import { Queue } from 'bullmq';
import { checkRedis, queueName } from './redis-connection.ts';
import { renderOnQueue, warnWithoutWorkers } from './queue-render.ts';

/**
 * A batch file: every graph with every combination of its inputs' files, each output named by a pattern of their
 * names (`{graph}`, and `{<input>}` for each input, file names without extension). Paths are relative to the file.
 */
interface BatchFile {
  graphs: string[];
  inputs: Record<string, string[]>;
  set?: string[];
  output: string;
  chunkFrames?: number;
}

interface BatchRender {
  output: string;
  document: GraphDocument;
  /** What the output is made from: the graph as run and every input file's content. Equal keys, equal videos. */
  key: string;
}

/** `vivify batch jobs.json --queue URL`: queues every render of the batch at once; renders already complete are skipped. */
export async function batchCommand(path: string, options: { queue: string; force?: boolean; json?: boolean }): Promise<void> {
  const batchPath = resolve(path);
  const batch = parseBatch(await readFile(batchPath, 'utf8').catch(() => {
    throw new UsageError(`${displayPath(batchPath)}: cannot be read`);
  }), batchPath);
  const registry = createRegistry();
  const renders = await planBatch(batch, dirname(batchPath), registry);
  const connection = await checkRedis(options.queue);
  // Each render below is quiet; the one thing worth saying before they start is that nothing will take them.
  const queue = new Queue(queueName, { connection });
  await warnWithoutWorkers(queue, options.queue, (message) => process.stderr.write(`warning: ${message}\n`)).finally(() => queue.close());
  // Which outputs are complete, by their key: kept beside the batch file, so a rerun skips them.
  const donePath = `${batchPath}.done.json`;
  const done = JSON.parse(await readFile(donePath, 'utf8').catch(() => '{}')) as Record<string, string>;
  let saving = Promise.resolve();
  const save = () => (saving = saving.then(async () => {
    await writeFile(`${donePath}.tmp`, `${JSON.stringify(done, null, 2)}\n`);
    await rename(`${donePath}.tmp`, donePath);
  }));
  const line = (event: object, text: string) => process.stdout.write(options.json ? `${JSON.stringify(event)}\n` : `${text}\n`);
  const outcomes = await Promise.all(
    renders.map(async (render) => {
      const exists = await stat(render.output).then(() => true, () => false);
      if (exists && done[render.output] === render.key) {
        line({ type: 'skipped', output: render.output }, `skipped ${displayPath(render.output)}: already rendered from this graph and these inputs`);
        return 'skipped';
      }
      // An output this batch rendered from other inputs is stale and replaced; any other file is kept without --force.
      if (exists && !options.force && done[render.output] === undefined) {
        line({ type: 'failed', output: render.output, error: 'exists' }, `failed ${displayPath(render.output)}: it exists and was not rendered by this batch (--force replaces it)`);
        return 'failed';
      }
      try {
        await mkdir(dirname(render.output), { recursive: true });
        const { frames } = await renderOnQueue({ url: options.queue, document: render.document, registry, outputs: [render.output], frames: { start: 0 }, chunkFrames: batch.chunkFrames, force: true, json: false, quiet: true });
        done[render.output] = render.key;
        await save();
        line({ type: 'done', output: render.output, frames }, `wrote ${displayPath(render.output)}: ${frames} frames`);
        return 'done';
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        line({ type: 'failed', output: render.output, error: message }, `failed ${displayPath(render.output)}: ${message}`);
        return 'failed';
      }
    }),
  );
  await saving;
  const count = (outcome: string) => outcomes.filter((o) => o === outcome).length;
  line({ type: 'summary', rendered: count('done'), skipped: count('skipped'), failed: count('failed') }, `${count('done')} rendered, ${count('skipped')} skipped, ${count('failed')} failed`);
  if (count('failed') > 0) throw new VivifyError(`${count('failed')} of ${renders.length} renders failed`);
}

function parseBatch(text: string, path: string): BatchFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`${displayPath(path)}: not JSON`);
  }
  const bad = (what: string) => new UsageError(`${displayPath(path)}: ${what}`);
  const record = value as Partial<BatchFile>;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('expected an object with graphs, inputs and output');
  const strings = (list: unknown) => Array.isArray(list) && list.length > 0 && list.every((item) => typeof item === 'string');
  if (!strings(record.graphs)) throw bad('"graphs" must be a list of graph files');
  if (typeof record.inputs !== 'object' || record.inputs === null || !Object.values(record.inputs).every(strings)) throw bad('"inputs" must map each input name to a list of files');
  if (record.set !== undefined && !(Array.isArray(record.set) && record.set.every((item) => typeof item === 'string'))) throw bad('"set" must be a list of node.param=value');
  if (typeof record.output !== 'string' || !record.output.endsWith('.mp4')) throw bad('"output" must be a pattern ending in .mp4, e.g. out/{graph}-{source}-{driving}.mp4');
  if (record.chunkFrames !== undefined && !(Number.isInteger(record.chunkFrames) && record.chunkFrames > 0)) throw bad('"chunkFrames" must be a whole number, at least 1');
  return record as BatchFile;
}

/** Every combination, checked as `vivify render` checks one, with its output name and content key. */
async function planBatch(batch: BatchFile, folder: string, registry: NodeRegistry): Promise<BatchRender[]> {
  const names = Object.keys(batch.inputs);
  let combinations: Record<string, string>[] = [{}];
  for (const name of names) combinations = combinations.flatMap((combination) => batch.inputs[name]!.map((file) => ({ ...combination, [name]: resolve(folder, file) })));
  const stem = (file: string) => basename(file, extname(file));
  const renders: BatchRender[] = [];
  const hashes = new Map<string, Promise<string>>();
  for (const graph of batch.graphs.map((file) => resolve(folder, file))) {
    const loaded = await readGraphFile(graph, registry);
    for (const inputs of combinations) {
      const output = resolve(folder, batch.output.replace(/\{(\w+)\}/g, (whole, name: string) => (name === 'graph' ? stem(graph) : inputs[name] ? stem(inputs[name]) : whole)));
      if (/\{\w+\}/.test(output)) throw new UsageError(`output pattern ${batch.output} names something that is neither graph nor an input: ${output.match(/\{\w+\}/)![0]}`);
      const document = applyOverrides(loaded, registry, { inputs: { ...inputs, output }, sets: batch.set ?? [] }, (path) => path);
      const checked = checkGraph(document, registry, { requireFiles: true });
      if (!checked.document) throw new GraphError(displayPath(graph), checked.problems);
      const contents = await Promise.all(Object.values(inputs).map((file) => hashes.get(file) ?? hashes.set(file, fileHash(file)).get(file)!));
      const key = createHash('sha256').update(JSON.stringify(checked.document)).update(contents.join()).digest('hex');
      renders.push({ output, document: checked.document, key });
    }
  }
  const outputs = renders.map((render) => render.output);
  const twice = outputs.find((output, index) => outputs.indexOf(output) !== index);
  if (twice) throw new UsageError(`the output pattern ${batch.output} gives ${displayPath(twice)} to two renders; name every input in it`);
  return renders;
}

async function fileHash(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
