import { LiteGraph } from '@comfyorg/litegraph';

/**
 * Node titles drawn whole. litegraph keeps a title-bar height free on both sides of a title and cuts what does not
 * fit with "..."; these titles ("f2f: Face2Face expression transfer") name the node and its type, and both matter, so
 * nodes are made wide enough for their title and the title is drawn with less room kept on the right.
 */

/** Below this zoom litegraph draws nodes plainly (no port names); titles stay down to it. */
export const plainBelowScale = 0.45;
/** Room right of the title text. */
const rightPad = 8;
/** Brighter than litegraph's grey (#999): titles are read, not glanced at. */
const titleColor = '#e4e4e4';

let measurer: OffscreenCanvasRenderingContext2D | null | undefined;

/** The width of `text` in the title font; an estimate where there is no canvas to measure with (Node tests). */
export function titleTextWidth(text: string): number {
  measurer ??= typeof OffscreenCanvas === 'undefined' ? null : new OffscreenCanvas(1, 1).getContext('2d');
  if (!measurer) return text.length * 7.5;
  measurer.font = `${LiteGraph.NODE_TEXT_SIZE}px ${LiteGraph.NODE_FONT}`;
  return measurer.measureText(text).width;
}

/** The width a node needs for its whole title (the title box on the left, the text, a little room). */
export function titleFitWidth(title: string): number {
  return Math.ceil(LiteGraph.NODE_TITLE_HEIGHT + titleTextWidth(title) + rightPad);
}

/** Draws the title text (litegraph's onDrawTitleText): whole where the node is wide enough, else cut with "…". */
export function drawTitle(this: { title: string }, ctx: CanvasRenderingContext2D, titleHeight: number, size: ArrayLike<number>, scale: number, font: string, selected?: boolean): void {
  if (scale < plainBelowScale) return;
  ctx.font = font;
  ctx.fillStyle = selected ? LiteGraph.NODE_SELECTED_TITLE_COLOR : titleColor;
  ctx.textAlign = 'left';
  const room = (size[0] ?? 0) - titleHeight - rightPad / 2;
  let text = this.title;
  if (ctx.measureText(text).width > room) {
    while (text.length > 1 && ctx.measureText(`${text}…`).width > room) text = text.slice(0, -1);
    text = `${text}…`;
  }
  ctx.fillText(text, titleHeight, LiteGraph.NODE_TITLE_TEXT_Y - titleHeight);
}
