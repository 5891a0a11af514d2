/**
 * Calls the worker makes to its page (the camera, the microphone): each request numbered, its reply found by that
 * number; a reply carrying `error` rejects with it.
 */
export function pendingCalls<Request, Reply extends { call: number }>(ask: (request: Request, transfer: Transferable[]) => void) {
  const waiting = new Map<number, (reply: Reply) => void>();
  let calls = 0;
  return {
    request<T>(make: (call: number) => Request, transfer: Transferable[] = []): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const call = ++calls;
        waiting.set(call, (reply) => ('error' in reply ? reject(new Error(String(reply.error))) : resolve(reply as unknown as T)));
        ask(make(call), transfer);
      });
    },
    receive(reply: Reply): void {
      waiting.get(reply.call)?.(reply);
      waiting.delete(reply.call);
    },
  };
}
