import type { RgbaImage } from '../../runtime/image.ts';
import type { ViewerSink } from '../session/shown-frames.ts';

/** A transparent pixel: shown stretched, it leaves the viewer's background. */
const nothing: RgbaImage = { width: 1, height: 1, data: new Uint8Array(4) };

/**
 * The viewer as the session drives it in the page: frames that come faster than the screen refreshes (a burst, or a
 * quick preview) are drawn once per animation frame, the newest only, so that uploading pictures never piles up.
 */
export function pacedViewer(viewer: Omit<ViewerSink, 'clear'>): ViewerSink {
  let pending: RgbaImage | undefined;
  let scheduled = false;
  const draw = () => {
    scheduled = false;
    const frame = pending;
    pending = undefined;
    if (frame) viewer.show(frame);
  };
  return {
    show(frame) {
      pending = frame;
      if (!scheduled) {
        scheduled = true;
        requestAnimationFrame(draw);
      }
    },
    setInset: (image) => viewer.setInset(image),
    setBefore: (image) => viewer.setBefore(image),
    clear() {
      pending = undefined;
      viewer.setInset(undefined);
      viewer.setBefore(undefined);
      viewer.show(nothing);
    },
  };
}
