import type { ChildProcess } from 'node:child_process';

/** Collects a child's stderr (the last few KiB: enough for its final complaint) and waits for it to exit. */
export function watchProcess(child: ChildProcess): { exited: Promise<number | null>; lastError: () => string } {
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4096);
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  exited.catch(() => undefined);
  return { exited, lastError: () => summarizeFfmpegError(stderr) };
}

/** ffmpeg's most telling line, without its "[mov,mp4 @ 0x5574...]" prefix. */
export function summarizeFfmpegError(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.replace(/^\[[^\]]*\]\s*/, '').trim())
    .filter((line) => line && !/^Conversion failed!?$/.test(line));
  return lines.at(-1) ?? '';
}
