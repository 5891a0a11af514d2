/**
 * MediaPipe Tasks' JavaScript bundle posts usage statistics to Google (`https://odml.pa.googleapis.com/v1/log`,
 * every minute and when a task closes) through the global `fetch`, with no option to turn it off. Vivify sends
 * nothing anywhere: this keeps those posts from leaving the process or the page, answering them as if sent. Every
 * other request goes through untouched.
 */
const telemetryOrigin = 'https://odml.pa.googleapis.com/';

const guarded = Symbol.for('vivify.mediapipeTelemetryBlocked');

export function blockMediapipeTelemetry(): void {
  const global = globalThis as typeof globalThis & { [guarded]?: true };
  if (global[guarded] || typeof global.fetch !== 'function') return;
  const send = global.fetch.bind(global);
  global.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (url.startsWith(telemetryOrigin)) return Promise.resolve(new Response('', { status: 200 }));
    return send(input, init);
  };
  global[guarded] = true;
}
