import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { isModelFileName, isModelId } from '../../models/catalog.ts';
import { loadCatalog, modelProblem, resolveModelsDir } from '../../models/store/index.ts';

/**
 * The CLI's model store, read-only, at `/models/` of the editor's server (dev and `vivify editor` alike), so that the
 * page opens the models `vivify models pull` installed: `/models/index.json` lists them, `/models/<id>/<file>` is a
 * file. Downloads in progress (`*.part`) and anything outside `<id>/<file>` are never served.
 */

const prefix = '/models/';

export function modelStoreMiddleware(request: IncomingMessage, response: ServerResponse, next: () => void): void {
  // Connect ignores a returned promise: a failure answers here instead of going unhandled.
  serveModelStore(request, response, next).catch((error: unknown) => {
    if (!response.headersSent) answer(response, 500, error instanceof Error ? error.message : String(error));
    else response.destroy();
  });
}

async function serveModelStore(request: IncomingMessage, response: ServerResponse, next: () => void): Promise<void> {
  const path = (request.url ?? '').split('?')[0]!;
  if (!path.startsWith(prefix)) return next();
  if (request.method !== 'GET' && request.method !== 'HEAD') return answer(response, 405, 'the model store is read-only');
  const folder = resolveModelsDir();
  let rest: string;
  try {
    rest = decodeURIComponent(path.slice(prefix.length));
  } catch {
    return answer(response, 400, 'malformed path');
  }
  if (rest === 'index.json') {
    // The store's own sentence for each catalog model that cannot be used: the editor says what the CLI says.
    const problems: Record<string, string> = {};
    for (const entry of loadCatalog().models) {
      const problem = await modelProblem(folder, entry.id);
      if (problem) problems[entry.id] = problem;
    }
    const body = JSON.stringify({ models: await installedModels(folder), problems });
    response.setHeader('Content-Type', 'application/json');
    response.setHeader('Cache-Control', 'no-store');
    response.end(request.method === 'HEAD' ? undefined : body);
    return;
  }
  const [id, file, ...more] = rest.split('/');
  if (!id || !file || more.length || !isModelId(id) || !isModelFileName(file)) return answer(response, 404, 'no such model file');
  const fullPath = join(folder, id, file);
  const info = await stat(fullPath).catch(() => undefined);
  if (!info?.isFile()) return answer(response, 404, `${id}/${file} is not installed: run \`vivify models pull ${id}\``);
  response.setHeader('Content-Type', 'application/octet-stream');
  response.setHeader('Content-Length', info.size);
  response.setHeader('Cache-Control', 'no-cache');
  if (request.method === 'HEAD') return void response.end();
  createReadStream(fullPath)
    .on('error', () => response.destroy())
    .pipe(response);
}

/** Each model folder of the store with the files in it (a missing store lists nothing). */
async function installedModels(folder: string): Promise<Record<string, string[]>> {
  const models: Record<string, string[]> = {};
  const ids = await readdir(folder, { withFileTypes: true }).catch(() => []);
  for (const entry of ids) {
    if (!entry.isDirectory() || !isModelId(entry.name)) continue;
    const files: string[] = [];
    for (const name of await readdir(join(folder, entry.name))) {
      if (isModelFileName(name) && (await stat(join(folder, entry.name, name)).catch(() => undefined))?.isFile()) files.push(name);
    }
    if (files.length) models[entry.name] = files.sort();
  }
  return models;
}

function answer(response: ServerResponse, status: number, message: string): void {
  response.statusCode = status;
  response.setHeader('Content-Type', 'text/plain; charset=utf-8');
  response.end(message);
}
