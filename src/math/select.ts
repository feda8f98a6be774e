// Top-n by partial selection: a size-n min-heap over one pass, O(N log n) instead of a full sort.

export interface Ranked {
  index: number;
  score: number;
}

/** The n largest of `scores`, best first (ties: the lower index first); NaN entries are left out. */
export function topN(scores: Float64Array, n: number): Ranked[] {
  const count = scores.length;
  const size = Math.min(n, count);
  const heapIndex = new Int32Array(size);
  const heapScore = new Float64Array(size);
  let filled = 0;
  let floor = -Infinity;
  // "a below b" in heap order: lower score, or equal score and higher index (so lower indices win ties).
  const below = (sa: number, ia: number, sb: number, ib: number) => sa < sb || (sa === sb && ia > ib);
  const siftDown = (at: number) => {
    for (;;) {
      const left = 2 * at + 1;
      if (left >= filled) return;
      let least = left;
      const right = left + 1;
      if (right < filled && below(heapScore[right], heapIndex[right], heapScore[left], heapIndex[left])) least = right;
      if (!below(heapScore[least], heapIndex[least], heapScore[at], heapIndex[at])) return;
      [heapScore[at], heapScore[least]] = [heapScore[least], heapScore[at]];
      [heapIndex[at], heapIndex[least]] = [heapIndex[least], heapIndex[at]];
      at = least;
    }
  };
  for (let index = 0; index < count && size > 0; index++) {
    const s = scores[index];
    if (s !== s) continue;
    if (filled < size) {
      let at = filled++;
      heapScore[at] = s;
      heapIndex[at] = index;
      while (at > 0) {
        const parent = (at - 1) >> 1;
        if (!below(heapScore[at], heapIndex[at], heapScore[parent], heapIndex[parent])) break;
        [heapScore[at], heapScore[parent]] = [heapScore[parent], heapScore[at]];
        [heapIndex[at], heapIndex[parent]] = [heapIndex[parent], heapIndex[at]];
        at = parent;
      }
      if (filled === size) floor = heapScore[0];
    } else if (s > floor || (s === floor && index < heapIndex[0])) {
      // The heap's least entry, kept in `floor`, is what most scores fail to beat: one comparison each.
      heapScore[0] = s;
      heapIndex[0] = index;
      siftDown(0);
      floor = heapScore[0];
    }
  }
  const result: Ranked[] = [];
  for (let t = 0; t < filled; t++) result.push({ index: heapIndex[t], score: heapScore[t] });
  return result.sort((a, b) => b.score - a.score || a.index - b.index);
}
