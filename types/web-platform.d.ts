/*
 * The part of the web platform that both hosts give the core (browsers, and Node 20 as globals): all that
 * `runtime/` and `nodes/` may assume beyond ECMAScript. tsconfig.core.json compiles them against this alone, with
 * neither DOM nor Node types, so `document`, `window`, `Buffer` or `process` in the core fail the build. Declared
 * only as far as the core uses them.
 */
export {};

declare global {
  interface AbortSignal {
    readonly aborted: boolean;
    readonly reason: unknown;
    addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
    removeEventListener(type: 'abort', listener: () => void): void;
  }
  interface AbortController {
    readonly signal: AbortSignal;
    abort(reason?: unknown): void;
  }
  var AbortController: { prototype: AbortController; new (): AbortController };

  var performance: { now(): number };
  function structuredClone<T>(value: T): T;

  class TextEncoder {
    encode(input?: string): Uint8Array<ArrayBuffer>;
  }
  class TextDecoder {
    constructor(label?: string, options?: { fatal?: boolean });
    decode(input?: ArrayBufferView | ArrayBuffer): string;
  }

  class URL {
    constructor(url: string, base?: string | URL);
    readonly href: string;
  }
  interface Request {
    readonly url: string;
  }
  type RequestInfo = Request | string;
  interface RequestInit {
    method?: string;
  }
  class Response {
    constructor(body?: string | null, init?: { status?: number });
  }
  function fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
}
