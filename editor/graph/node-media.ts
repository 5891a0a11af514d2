import { LiteGraph } from '@comfyorg/litegraph';

/** A small picture to draw in a node: a thumbnail of its painting, or of its video's first frame. */
export interface MediaPicture {
  source: CanvasImageSource;
  width: number;
  height: number;
}

/** What a node that reads a file shows of it: the file's name (or what to do without one) and its picture. */
export interface NodeMedia {
  /** The file's name; empty while none is chosen. */
  file: string;
  /** Said in the node while no file is chosen. */
  prompt: string;
  picture?: MediaPicture;
}

/** The tallest a picture is drawn in a node. */
const pictureMaxHeight = 120;
const margin = 8;
const lineHeight = 18;

/** Where the file's name and its picture go in a node of `width` whose ports take `slotsHeight`, and the node's new height. */
export function mediaLayout(width: number, slotsHeight: number, picture: { width: number; height: number } | undefined) {
  const textY = slotsHeight + 14;
  if (!picture || picture.width <= 0 || picture.height <= 0) return { textY, box: undefined, height: slotsHeight + lineHeight + 4 };
  const scale = Math.min((width - 2 * margin) / picture.width, pictureMaxHeight / picture.height);
  const boxWidth = Math.round(picture.width * scale);
  const boxHeight = Math.round(picture.height * scale);
  const box = [Math.round((width - boxWidth) / 2), slotsHeight + lineHeight + 2, boxWidth, boxHeight] as const;
  return { textY, box, height: box[1] + boxHeight + margin };
}

/** Draws a node's file name and picture under its ports (litegraph's onDrawForeground); returns the picture's box. */
export function drawMedia(ctx: CanvasRenderingContext2D, width: number, slotsHeight: number, media: NodeMedia): readonly [number, number, number, number] | undefined {
  const layout = mediaLayout(width, slotsHeight, media.picture);
  ctx.save();
  ctx.font = `${LiteGraph.NODE_SUBTEXT_SIZE}px ${LiteGraph.NODE_FONT}`;
  ctx.textAlign = 'left';
  ctx.fillStyle = media.file ? '#cfd8e3' : '#e0a96d';
  let text = media.file || media.prompt;
  while (text.length > 4 && ctx.measureText(text).width > width - 2 * margin) text = `${text.slice(0, -2)}…`;
  ctx.fillText(text, margin, layout.textY);
  if (media.picture && layout.box) {
    const [x, y, w, h] = layout.box;
    ctx.drawImage(media.picture.source, x, y, w, h);
    ctx.strokeStyle = '#555';
    ctx.strokeRect(x - 0.5, y - 0.5, w + 1, h + 1);
  }
  ctx.restore();
  return layout.box;
}
