/** Frame indices, seen in increasing order, kept as ranges so that a long run stays small: "12-40, 97, 130-131". */
export class FrameRanges {
  private ranges: [number, number][] = [];
  count = 0;

  add(index: number): void {
    this.count++;
    const last = this.ranges.at(-1);
    if (last && index <= last[1] + 1) last[1] = Math.max(last[1], index);
    else this.ranges.push([index, index]);
  }

  /** The ranges in words, the first `most` of them and how many more. */
  describe(most = 8): string {
    const shown = this.ranges.slice(0, most).map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`));
    const more = this.ranges.length - shown.length;
    return `${shown.join(', ')}${more > 0 ? ` and ${more} more range${more === 1 ? '' : 's'}` : ''}`;
  }
}
