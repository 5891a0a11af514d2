import { describe, expect, it } from 'vitest';
import { CancelledError, NodeRunError, UsageError } from '../../runtime/errors.ts';
import { describeRunError, ReportedRunError } from './run-errors.ts';

describe('describeRunError', () => {
  it("says Vivify's own errors and plain Errors as they are", () => {
    expect(describeRunError(new UsageError('talk.mp4: no such file'))).toEqual({ text: 'talk.mp4: no such file', cancelled: false, internal: false });
    const node = new NodeRunError('drive', 'driving-video', 3, new Error('the video has no more frames'));
    expect(describeRunError(node)).toEqual({ text: 'node "drive" (driving-video) failed at frame 3: the video has no more frames', nodeId: 'drive', cancelled: false, internal: false });
    expect(describeRunError(new CancelledError())).toMatchObject({ text: 'cancelled', cancelled: true });
  });

  it('turns a bug (TypeError, a wasm trap, a thrown string) into a sentence naming the node, keeping the detail', () => {
    const bug = new NodeRunError('f2f', 'face2face', 0, new TypeError("Cannot read properties of undefined (reading 'data')"));
    const report = describeRunError(bug);
    expect(report).toMatchObject({ text: 'node "f2f" (face2face) failed at frame 0: an internal error stopped it (the details are in the browser console)', nodeId: 'f2f', internal: true });
    expect(report.detail).toMatch(/^TypeError: Cannot read properties of undefined/);
    expect(describeRunError(new WebAssembly.RuntimeError('memory access out of bounds'))).toMatchObject({ text: 'the run failed: an internal error stopped it (the details are in the browser console)', internal: true });
    expect(describeRunError('oops')).toMatchObject({ internal: true, detail: 'oops' });
    // A report made in the worker passes through as it was made.
    expect(describeRunError(new ReportedRunError(report))).toBe(report);
  });
});
