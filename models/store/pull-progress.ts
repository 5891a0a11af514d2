import cliProgress from 'cli-progress';
import { formatBytes } from './byte-size.ts';

/** What a pull tells its user as it goes; pull.ts emits these, and the CLI picks how they are shown. */
export interface PullEvents {
  /** A download begins: `resumedFrom` bytes were already in the .part. */
  downloadStart(file: string, info: { url: string; resumedFrom: number; total: number | undefined }): void;
  downloadProgress(file: string, bytes: number): void;
  downloadEnd(file: string): void;
  /** One file is settled: installed now (downloaded, or downloaded and converted) or already. */
  fileDone(result: PulledFile): void;
  /** Something the user should know that changes nothing (a corrupted install fetched again). */
  note(text: string): void;
}

export interface PulledFile {
  file: string;
  status: 'downloaded' | 'converted' | 'present';
  /** The installed file's hash and size (for a converted file, the ONNX file made here). */
  sha256: string;
  size: number;
  /**
   * What the download's hash was checked against: the catalog, the lock's earlier download, or nothing yet (now
   * recorded). For a converted file this is the checkpoint's hash.
   */
  checkedAgainst: 'catalog' | 'lock' | 'recorded';
  /** For a converted file: what was converted and how closely onnxruntime reproduces PyTorch, one line. */
  conversion?: string;
}

const checkText: Record<PulledFile['checkedAgainst'], string> = {
  catalog: 'matches the catalog',
  lock: 'matches the lock from the first download',
  recorded: 'recorded in the lock: later pulls must match it',
};

/**
 * A progress bar per file on a terminal; plain lines (every tenth of the file) on a pipe or a log; JSON lines with
 * `json`. Progress goes to stderr, results to stdout, as for `vivify render`.
 */
export function pullReporter(options: { json?: boolean; interactive?: boolean }): PullEvents {
  if (options.json) return jsonPullReporter();
  const interactive = options.interactive ?? Boolean(process.stderr.isTTY);
  let bar: cliProgress.SingleBar | undefined;
  let lines: { file: string; total: number | undefined; nextStep: number } | undefined;
  let started = 0;
  let startBytes = 0;
  const results = (text: string) => process.stdout.write(`${text}\n`);
  return {
    downloadStart(file, { url, resumedFrom, total }) {
      const of = total === undefined ? 'size unknown' : formatBytes(total);
      const what = resumedFrom > 0 ? `resuming at ${formatBytes(resumedFrom)} of ${of}` : `downloading ${of}`;
      started = performance.now();
      startBytes = resumedFrom;
      if (interactive && total !== undefined) {
        bar = new cliProgress.SingleBar(
          {
            stream: process.stderr,
            format: '{file} |{bar}| {percentage}% | {done} of {size} | {speed} | ETA {eta_formatted}',
            hideCursor: true,
            clearOnComplete: true,
            etaBuffer: 50,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, resumedFrom, { file, done: formatBytes(resumedFrom), size: formatBytes(total), speed: '' });
        return;
      }
      process.stderr.write(`${file}: ${what} from ${url}\n`);
      lines = { file, total, nextStep: total ? Math.floor((resumedFrom / total) * 10) + 1 : 1 };
    },
    downloadProgress(file, bytes) {
      if (bar) {
        const seconds = (performance.now() - started) / 1000;
        const speed = seconds > 0.5 ? `${formatBytes((bytes - startBytes) / seconds)}/s` : '';
        bar.update(bytes, { done: formatBytes(bytes), speed });
      } else if (lines) {
        // A line at each tenth of the file (each 50 MB where its size is unknown): a log stays short.
        const step = lines.total ? Math.floor((bytes / lines.total) * 10) : Math.floor(bytes / 50e6);
        if (step >= lines.nextStep) {
          lines.nextStep = step + 1;
          const text = lines.total ? `${step * 10}% (${formatBytes(bytes)} of ${formatBytes(lines.total)})` : formatBytes(bytes);
          process.stderr.write(`${file}: ${text}\n`);
        }
      }
    },
    downloadEnd() {
      bar?.stop();
      bar = undefined;
      lines = undefined;
    },
    fileDone(result) {
      if (result.status === 'converted') {
        results(`${result.file}: downloaded the checkpoint (${checkText[result.checkedAgainst]}) and ${result.conversion ?? 'converted it'}`);
        results(`${result.file}: installed, ${formatBytes(result.size)}, sha256 ${result.sha256}`);
        return;
      }
      const what = result.status === 'downloaded' ? 'downloaded' : 'already installed';
      results(`${result.file}: ${what}, ${formatBytes(result.size)}, sha256 ${result.sha256} (${checkText[result.checkedAgainst]})`);
    },
    note(text) {
      process.stderr.write(`${text}\n`);
    },
  };
}

function jsonPullReporter(): PullEvents {
  const line = (event: object) => process.stdout.write(`${JSON.stringify(event)}\n`);
  let last = 0;
  let total: number | undefined;
  return {
    downloadStart(file, info) {
      total = info.total;
      line({ type: 'download', file, url: info.url, resumedFrom: info.resumedFrom, total: info.total ?? null });
    },
    downloadProgress(file, bytes) {
      // At most ten lines a second, and always the last.
      const now = performance.now();
      if (bytes !== total && now - last < 100) return;
      last = now;
      line({ type: 'progress', file, bytes, total: total ?? null });
    },
    downloadEnd() {},
    fileDone: (result) => line({ type: 'file', ...result }),
    note: (text) => line({ type: 'note', message: text }),
  };
}

/** What a first pull says of a file the catalog has no published sha256 for. */
export function unpinnedNote(name: string, url: string): string {
  return `${name}: unpinned: no published sha256 to check the download from ${url} against; it is checked by its signature, and the lock records its sha256 so that later pulls and \`vivify models verify\` catch any change`;
}
