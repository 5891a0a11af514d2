import { FFFSType, FFmpeg } from '@ffmpeg/ffmpeg';
import { VivifyError, messageOf } from '../errors.ts';

/**
 * Where the page finds ffmpeg.wasm's single-thread core (served beside the editor, never from a CDN). Relative URLs
 * are resolved against the page: the core is imported from inside ffmpeg.wasm's worker, whose own URL differs.
 */
export interface FfmpegWasmAssets {
  /** URL of `@ffmpeg/core/dist/esm/ffmpeg-core.js`. */
  coreUrl: string;
  /** URL of `@ffmpeg/core/dist/esm/ffmpeg-core.wasm`. */
  wasmUrl: string;
  /**
   * URL of `@ffmpeg/ffmpeg/dist/esm/worker.js`, only where the bundler moved `@ffmpeg/ffmpeg` away from it (Vite's
   * dependency pre-bundling does: exclude `@ffmpeg/ffmpeg` from `optimizeDeps`, or pass this).
   */
  classWorkerUrl?: string;
}

/** How one ffmpeg or ffprobe run ended: its exit status and what it logged (ask for `-v error` to keep it short). */
export interface FfmpegResult {
  code: number;
  log: string[];
}

/** What a job may do on the shared ffmpeg.wasm: run commands and handle files in its in-memory file system. */
export interface FfmpegSession {
  exec(args: string[]): Promise<FfmpegResult>;
  ffprobe(args: string[]): Promise<FfmpegResult>;
  writeFile(path: string, data: Uint8Array | string): Promise<void>;
  readFile(path: string): Promise<Uint8Array>;
  readText(path: string): Promise<string>;
  /** Removes a file; one already gone is no error (cleanup runs after failures too). */
  remove(path: string): Promise<void>;
  makeDir(path: string): Promise<void>;
  /** Names in a folder, without `.` and `..`; none where the folder is missing. */
  list(path: string): Promise<string[]>;
  /** Removes a folder and the files in it; a missing one is no error. */
  removeDir(path: string): Promise<void>;
  /**
   * Makes `blob` readable at `<dir>/<name>` without copying it into memory (WORKERFS reads slices on demand), so a
   * long video costs no memory to open. Returns the file's path.
   */
  mountBlob(dir: string, name: string, blob: Blob): Promise<string>;
  unmount(dir: string): Promise<void>;
}

/** One ffmpeg.wasm instance shared by every reader and writer of a page. */
export interface FfmpegWasm {
  /** Runs `job` alone on ffmpeg.wasm once the jobs queued before it are done; loads ffmpeg.wasm on first use. */
  run<T>(job: (session: FfmpegSession) => Promise<T>): Promise<T>;
  /** A folder name no other reader or writer uses: they share one file system. */
  uniqueDir(prefix: string): string;
  /** Stops the worker; queued jobs fail, and the next job loads ffmpeg.wasm again. */
  terminate(): void;
}

/** How many log lines a run keeps for its error message: the last ones say what went wrong. */
const keptLogLines = 40;

/**
 * Loads ffmpeg.wasm lazily, once, and runs one job at a time: ffmpeg.wasm runs one command at a time in its worker,
 * and a job's commands (write input, run, read output, delete) must not interleave with another's.
 */
export function createFfmpegLoader(assets: FfmpegWasmAssets): FfmpegWasm {
  let ffmpeg: FFmpeg | undefined;
  let loading: Promise<FFmpeg> | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let log: string[] = [];
  let folders = 0;

  const load = (): Promise<FFmpeg> => {
    loading ??= (async () => {
      const instance = new FFmpeg();
      ffmpeg = instance;
      instance.on('log', ({ message }) => {
        log.push(message);
        if (log.length > keptLogLines) log.shift();
      });
      const base = typeof document === 'undefined' ? globalThis.location.href : document.baseURI;
      const absolute = (url: string) => new URL(url, base).href;
      try {
        await instance.load({
          coreURL: absolute(assets.coreUrl),
          wasmURL: absolute(assets.wasmUrl),
          ...(assets.classWorkerUrl ? { classWorkerURL: absolute(assets.classWorkerUrl) } : {}),
        });
      } catch (error) {
        instance.terminate();
        ffmpeg = undefined;
        loading = undefined;
        throw new VivifyError(`ffmpeg.wasm did not load from ${assets.coreUrl} (${messageOf(error)})`);
      }
      return instance;
    })();
    return loading;
  };

  return {
    run<T>(job: (session: FfmpegSession) => Promise<T>): Promise<T> {
      const result = queue.then(async () => job(sessionOf(await load())));
      queue = result.catch(() => undefined);
      return result;
    },
    uniqueDir(prefix: string): string {
      folders++;
      return `/vivify-${prefix}-${folders}`;
    },
    terminate(): void {
      ffmpeg?.terminate();
      ffmpeg = undefined;
      loading = undefined;
    },
  };

  function sessionOf(instance: FFmpeg): FfmpegSession {
    const command = async (kind: 'exec' | 'ffprobe', args: string[]): Promise<FfmpegResult> => {
      log = [];
      const code = await instance[kind](args);
      return { code, log };
    };
    const removeDir = async (path: string): Promise<void> => {
      const entries = await instance.listDir(path).catch(() => undefined);
      if (!entries) return;
      for (const entry of entries) {
        if (entry.name === '.' || entry.name === '..') continue;
        if (entry.isDir) await removeDir(`${path}/${entry.name}`);
        else await instance.deleteFile(`${path}/${entry.name}`).catch(() => undefined);
      }
      await instance.deleteDir(path).catch(() => undefined);
    };
    return {
      exec: (args) => command('exec', args),
      ffprobe: (args) => command('ffprobe', args),
      async writeFile(path, data) {
        await instance.writeFile(path, data);
      },
      async readFile(path) {
        const data = await instance.readFile(path);
        return typeof data === 'string' ? new TextEncoder().encode(data) : data;
      },
      async readText(path) {
        const data = await instance.readFile(path, 'utf8');
        return typeof data === 'string' ? data : new TextDecoder().decode(data);
      },
      async remove(path) {
        await instance.deleteFile(path).catch(() => undefined);
      },
      async makeDir(path) {
        await instance.createDir(path);
      },
      async list(path) {
        const entries = await instance.listDir(path).catch(() => []);
        return entries.map((entry) => entry.name).filter((name) => name !== '.' && name !== '..');
      },
      removeDir,
      async mountBlob(dir, name, blob) {
        await instance.createDir(dir);
        await instance.mount(FFFSType.WORKERFS, { blobs: [{ name, data: blob }] }, dir);
        return `${dir}/${name}`;
      },
      async unmount(dir) {
        await instance.unmount(dir).catch(() => undefined);
        await instance.deleteDir(dir).catch(() => undefined);
      },
    };
  }
}

/** The last line ffmpeg logged that says what went wrong, for an error sentence. */
export function lastError(result: FfmpegResult): string {
  const lines = result.log.map((line) => line.trim()).filter((line) => line && !/^(Aborted|Exiting normally)/.test(line));
  return lines.at(-1) ?? `ffmpeg exited with ${result.code}`;
}
