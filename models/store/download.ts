import { open, stat } from 'node:fs/promises';
import { VivifyError, messageOf } from '../../runtime/errors.ts';

/** Why a download failed, for a sentence the caller completes with what the user can do about it. */
export class DownloadError extends VivifyError {
  override name = 'DownloadError';
  constructor(
    readonly url: string,
    readonly reason: string,
    /** Bytes in the .part file when it stopped: a later download resumes from there. */
    readonly partBytes: number,
    readonly total: number | undefined,
  ) {
    super(`could not download ${url}: ${reason}`);
  }
}

export interface DownloadEvents {
  /** Once the server answered: where the download starts (bytes already in the .part) and the full size, if told. */
  start?(info: { resumedFrom: number; total: number | undefined }): void;
  /** Bytes in the .part so far. */
  progress?(bytes: number): void;
}

/**
 * Downloads `url` into `partPath`, resuming what an earlier try left there with a Range request. A server that
 * ignores the range (200 instead of 206) or answers another range gets a fresh start, so the bytes in the .part are
 * always the file's first bytes in order. Returns the .part's final size; throws a DownloadError, keeping the .part.
 */
export async function downloadToPart(url: string, partPath: string, events: DownloadEvents = {}, signal?: AbortSignal): Promise<number> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = await sizeOf(partPath);
    const resume = existing > 0 && attempt === 0;
    let response: Response;
    try {
      // Identity encoding: ranges and lengths then count the file's own bytes (weights do not compress anyway).
      const headers: Record<string, string> = { 'Accept-Encoding': 'identity', ...(resume ? { Range: `bytes=${existing}-` } : {}) };
      response = await fetch(url, { headers, redirect: 'follow', signal });
    } catch (error) {
      throw new DownloadError(url, networkReason(error), existing, undefined);
    }
    if (resume && response.status === 416) {
      // Nothing left to send: the .part may already be the whole file; else it is longer than the file and is redone.
      await response.body?.cancel();
      const total = Number(/\/(\d+)$/.exec(response.headers.get('content-range') ?? '')?.[1]);
      if (total === existing) {
        events.start?.({ resumedFrom: existing, total });
        return existing;
      }
      continue;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new DownloadError(url, `the server answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`, existing, undefined);
    }
    let start = 0;
    let total: number | undefined;
    if (response.status === 206) {
      const range = parseContentRange(response.headers.get('content-range'));
      if (range?.start !== (resume ? existing : 0)) {
        // A range that does not continue the .part: start again from byte 0, once.
        await response.body?.cancel();
        if (attempt > 0) throw new DownloadError(url, `the server sent bytes that were not asked for (${response.headers.get('content-range') ?? 'no Content-Range'})`, existing, undefined);
        continue;
      }
      start = range.start;
      total = range.total;
    } else {
      // 200: the whole file, also where a range was asked for and the server ignores ranges; the .part starts again.
      const length = Number(response.headers.get('content-length'));
      const encoded = (response.headers.get('content-encoding') ?? 'identity') !== 'identity';
      total = !encoded && Number.isFinite(length) && length > 0 ? length : undefined;
    }
    events.start?.({ resumedFrom: start, total });
    const written = await writeBody(response, partPath, start, events, url, total);
    if (total !== undefined && written !== total) {
      throw new DownloadError(url, `the connection closed after ${written} of ${total} bytes`, written, total);
    }
    return written;
  }
  throw new DownloadError(url, 'the server kept refusing the requested range', await sizeOf(partPath), undefined);
}

async function writeBody(response: Response, partPath: string, start: number, events: DownloadEvents, url: string, total: number | undefined): Promise<number> {
  const file = await open(partPath, start > 0 ? 'a' : 'w');
  let written = start;
  try {
    if (!response.body) return written;
    const reader = response.body.getReader();
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        throw new DownloadError(url, networkReason(error), written, total);
      }
      if (chunk.done) return written;
      await file.write(chunk.value);
      written += chunk.value.byteLength;
      events.progress?.(written);
    }
  } finally {
    await file.close();
  }
}

function parseContentRange(header: string | null): { start: number; total: number | undefined } | undefined {
  const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header?.trim() ?? '');
  if (!match) return undefined;
  return { start: Number(match[1]), total: match[3] === '*' ? undefined : Number(match[3]) };
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

const reasons: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused',
  ENOTFOUND: 'the host name could not be resolved (is this machine offline?)',
  EAI_AGAIN: 'the host name could not be resolved (is this machine offline?)',
  ETIMEDOUT: 'the connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  ECONNRESET: 'the connection was reset',
  ENETUNREACH: 'the network is unreachable',
  EHOSTUNREACH: 'the host is unreachable',
  UND_ERR_SOCKET: 'the connection closed early',
};

/** fetch reports "fetch failed" or "terminated"; the cause says what happened. */
function networkReason(error: unknown): string {
  if (error instanceof Error && error.name === 'AbortError') return 'cancelled';
  const cause = error instanceof Error ? error.cause : undefined;
  const code = (cause as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return `${reasons[code] ?? messageOf(cause)} (${code})`;
  return messageOf(cause ?? error);
}
