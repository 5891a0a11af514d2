import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { trainerEvent, type TrainerEvent } from './trainer-events.ts';

export const deepfakesScript = fileURLToPath(new URL('./deepfakes.py', import.meta.url));
export const cycleganTrainScript = fileURLToPath(new URL('./cyclegan_train.py', import.meta.url));
export const pix2pixTrainScript = fileURLToPath(new URL('./pix2pix_train.py', import.meta.url));

/** Which trainer runs and what its JSON lines look like (default: DeepFakes). */
export interface TrainerScript<E> {
  path: string;
  events: z.ZodType<E>;
}

export const deepfakesTrainer: TrainerScript<TrainerEvent> = { path: deepfakesScript, events: trainerEvent };

export interface TrainerHandlers<E = TrainerEvent> {
  event(event: E): void;
  /** The first Ctrl-C (or SIGTERM): the trainer finishes its iteration, saves a checkpoint and exits. */
  stopping(): void;
  /** Lines the trainer wrote for people (PyTorch's warnings among them); shown with --debug. */
  stderrLine?(line: string): void;
}

export interface TrainerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Whether the user asked for a stop (Ctrl-C, SIGTERM). */
  interrupted: boolean;
  /** The last lines of stderr, for a failure's message. */
  stderrTail: string[];
}

/**
 * Runs the trainer with `args`, passing each JSON line it prints to `handlers.event`. Ctrl-C reaches the trainer (from
 * the terminal, and forwarded here for a SIGTERM or a non-terminal SIGINT): it saves a checkpoint and exits. A second
 * Ctrl-C kills it at once; its last checkpoint stays, as checkpoints are written whole or not at all.
 */
export function runTrainer<E = TrainerEvent>(
  python: string,
  args: string[],
  handlers: TrainerHandlers<E>,
  script: TrainerScript<E> = deepfakesTrainer as unknown as TrainerScript<E>,
): Promise<TrainerExit> {
  // -u: unbuffered, so progress lines arrive as they are printed.
  const child = spawn(python, ['-u', script.path, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let interrupted = false;
  const stderrTail: string[] = [];
  const onSignal = () => {
    if (interrupted) {
      child.kill('SIGKILL');
      return;
    }
    interrupted = true;
    handlers.stopping();
    child.kill('SIGINT');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  createInterface({ input: child.stdout }).on('line', (line) => {
    const parsed = parseLine(line, script.events);
    if (parsed) handlers.event(parsed);
    else if (line.trim()) remember(line);
  });
  createInterface({ input: child.stderr }).on('line', remember);
  function remember(line: string) {
    stderrTail.push(line);
    if (stderrTail.length > 40) stderrTail.shift();
    handlers.stderrLine?.(line);
  }

  return new Promise((resolve, reject) => {
    const finish = () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    };
    child.once('error', (error) => {
      finish();
      reject(error);
    });
    child.once('close', (code, signal) => {
      finish();
      resolve({ code, signal, interrupted, stderrTail });
    });
  });
}

function parseLine<E>(line: string, events: z.ZodType<E>): E | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const result = events.safeParse(JSON.parse(line));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}
