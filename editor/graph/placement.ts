/** A rectangle in graph coordinates: left, top, width, height. */
export type Rect = readonly [x: number, y: number, width: number, height: number];

/** The room kept free around a placed node, so that its title and ports stay clear of its neighbours. */
const gap = 24;
/** How finely the search steps away from the wanted place. */
const step = 20;
/** How far (in steps) the search looks before it settles for the wanted place anyway. */
const reach = 60;

let offsets: [number, number][] | undefined;

/** Every step away from the wanted place, nearest first; of equal distance, right and down before left and up. */
function offsetsByDistance(): [number, number][] {
  if (offsets) return offsets;
  const all: [number, number][] = [];
  for (let dy = -reach; dy <= reach; dy++) for (let dx = -reach; dx <= reach; dx++) all.push([dx * step, dy * step]);
  offsets = all.sort((a, b) => Math.hypot(...a) - Math.hypot(...b) || b[0] - a[0] || b[1] - a[1]);
  return offsets;
}

const overlaps = (a: Rect, b: Rect) => a[0] < b[0] + b[2] + gap && b[0] < a[0] + a[2] + gap && a[1] < b[1] + b[3] + gap && b[1] < a[1] + a[3] + gap;

/**
 * The top-left corner for a `size` rectangle as near `centre` as it can go without touching any of `taken`: the
 * places are tried by distance from the centre, on a grid, so a node added twice lands beside the first, not on it.
 */
export function freeSpot(taken: readonly Rect[], size: readonly [number, number], centre: readonly [number, number]): [number, number] {
  const wanted: [number, number] = [Math.round(centre[0] - size[0] / 2), Math.round(centre[1] - size[1] / 2)];
  for (const [dx, dy] of offsetsByDistance()) {
    const place: Rect = [wanted[0] + dx, wanted[1] + dy, size[0], size[1]];
    if (!taken.some((rect) => overlaps(place, rect))) return [place[0], place[1]];
  }
  return wanted;
}
