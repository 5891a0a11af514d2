import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { modelsFolder } from '../runtime/node/models-folder.ts';

/**
 * The CLI's model store, read-only, at `/models/` of the editor's server (dev and `vivify editor` alike), so that the
 * page opens the models `vivify models pull` installed: `/models/index.json` lists them, `/models/<id>/<file>` is a
 * file. Downloads in progress (`*.part`) and anything outside `<id>/<file>` are never served.
 */

const prefix = '/models/';
// As the catalog allows ids and file names: nothing that climbs out of the store.
const modelId = /^[a-z0-9][a-z0-9._-]*$/;
const fileName = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

const servable = (name: string) => fileName.test(name) && !name.endsWith('.part');

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
  const folder = modelsFolder().path;
  let rest: string;
  try {
    rest = decodeURIComponent(path.slice(prefix.length));
  } catch {
    return answer(response, 400, 'malformed path');
  }
  if (rest === 'index.json') {
    const body = JSON.stringify({ models: await installedModels(folder) });
    response.setHeader('Content-Type', 'application/json');
    response.setHeader('Cache-Control', 'no-store');
    response.end(request.method === 'HEAD' ? undefined : body);
    return;
  }
  const [id, file, ...more] = rest.split('/');
  if (!id || !file || more.length || !modelId.test(id) || !servable(file)) return answer(response, 404, 'no such model file');
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
    if (!entry.isDirectory() || !modelId.test(entry.name)) continue;
    const files: string[] = [];
    for (const name of await readdir(join(folder, entry.name))) {
      if (servable(name) && (await stat(join(folder, entry.name, name)).catch(() => undefined))?.isFile()) files.push(name);
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
