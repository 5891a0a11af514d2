import type { TrainingStatus } from '../models/train/training-status.ts';
import { shellWord } from './train-next-steps.ts';

/** `vivify train … --status <folder>`: the training at a glance, or the same as one JSON object with --json. */
export function printTrainingStatus(status: TrainingStatus, trainer: string, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ type: 'status', ...status })}\n`);
    return;
  }
  const { checkpoint: c } = status;
  const share = c.iterations > 0 ? ` (${Math.round((100 * c.iteration) / c.iterations)}%)` : '';
  const speed = c.seconds > 0 ? `, ${(c.iteration / c.seconds).toFixed(2)} it/s` : '';
  const lines = [
    `${status.folder}: ${trainer} training, preset ${c.preset}, ${c.size} px, batch ${c.batch}`,
    `  iterations: ${c.iteration} of ${c.iterations}${share}, ${formatSeconds(c.seconds)} of training${speed}`,
  ];
  if (c.a && c.b) lines.push(`  A: ${c.a.folder} (${c.a.faces}), B: ${c.b.folder} (${c.b.faces})`);
  if (c.pairs) lines.push(`  pairs: ${c.pairs.folder} (${c.pairs.faces})`);
  if (c.loss?.first && c.loss.last) lines.push(`  loss: ${lossText(c.loss.first)} at first, ${lossText(c.loss.last)} at the last checkpoint`);
  lines.push(
    status.export
      ? `  last export: iteration ${status.export.iteration}, ${status.export.at} (${status.export.files.join(', ')})${status.export.iteration < c.iteration ? '; older than the checkpoint' : ''}`
      : '  last export: none yet',
  );
  lines.push(`  registered: ${status.registered.length > 0 ? status.registered.join(', ') : 'not in this model store'}`);
  lines.push(`  latest preview: ${status.preview ? `${status.preview.path} (iteration ${status.preview.iteration})` : 'none yet'}`);
  const out = shellWord(status.folder);
  if (c.iteration < c.iterations) lines.push(`  vivify train ${trainer} --out ${out} --resume continues to iteration ${c.iterations}`);
  if (!status.export || status.export.iteration < c.iteration) lines.push(`  vivify train ${trainer} --out ${out} --export-only exports and registers the checkpoint as it is`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

function lossText(loss: Record<string, number>): string {
  return Object.entries(loss)
    .map(([name, value]) => `${name} ${value.toFixed(4)}`)
    .join(', ');
}

function formatSeconds(seconds: number): string {
  if (seconds < 120) return `${seconds.toFixed(1)} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 120 ? `${minutes} min` : `${(minutes / 60).toFixed(1)} h`;
}
