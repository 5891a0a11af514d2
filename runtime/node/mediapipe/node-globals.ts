import { blockMediapipeTelemetry } from '../../landmarks/mediapipe-telemetry.ts';

/**
 * The browser globals MediaPipe Tasks' bundle touches under Node, each as small as it can be (and its usage posts
 * kept in, see mediapipe-telemetry.ts):
 * `self` (its global object), `navigator` (user agent checks), and the WebGL context classes its Emscripten code
 * tests with `instanceof`.
 */
export function installMediapipeGlobals(): void {
  blockMediapipeTelemetry();
  const global = globalThis as Record<string, unknown>;
  global.self ??= globalThis;
  if (typeof global.navigator === 'undefined') global.navigator = { userAgent: 'node', platform: process.platform };
  global.WebGLRenderingContext ??= class WebGLRenderingContext {};
  global.WebGL2RenderingContext ??= class WebGL2RenderingContext {};
}
