// Top-N metrics, the figures recommenders are judged by: for each row with held-out observations, its
// columns ranked by score with its training observations left out, against the held-out columns.
import { topN } from './select.js';

export interface RankingMetrics {
  /** The cut-off. */
  k: number;
  /** Mean over evaluated rows of hits in the top k / k. */
  precision: number;
  /** Mean of hits in the top k / the row's held-out count. */
  recall: number;
  /** Mean average precision at k: Σ over hits at rank r of (hits up to r)/r, over min(k, held-out count). */
  map: number;
  /** Mean nDCG at k with binary gains: Σ 1/log2(r + 1) over hits, over its ideal for min(k, held-out count). */
  ndcg: number;
  /**
   * Mean AUC: the fraction of (held-out, other candidate) pairs the scores put in the right order, ties
   * counting a half; over rows with both (held-out columns that are not candidates are left out of it).
   */
  auc: number;
  /** Share of all columns that appear in at least one top-k list. */
  coverage: number;
  /** Rows evaluated: those with held-out observations. */
  rows: number;
}

/**
 * Metrics over `relevant` (row → its held-out column indices), `scoresOf(row)` giving every column's score
 * with NaN for columns that are not candidates (the row's training observations, say). Rows are taken in
 * ascending order; ties in the top k go to the lower column index.
 */
export function rankingMetricsOf(
  relevant: ReadonlyMap<number, Int32Array>, scoresOf: (row: number) => Float64Array, k: number, cols: number,
  /** AUC sorts every row's candidates; validation, which needs only the top k, skips it. */
  withAuc = true,
): RankingMetrics {
  let precision = 0;
  let recall = 0;
  let map = 0;
  let ndcg = 0;
  let auc = 0;
  let aucRows = 0;
  const covered = new Uint8Array(cols);
  const rows = [...relevant.keys()].sort((a, b) => a - b);
  for (const row of rows) {
    const held = relevant.get(row)!;
    const isHeld = new Set(held);
    const scores = scoresOf(row);
    const top = topN(scores, k);
    let hits = 0;
    let precisions = 0;
    let dcg = 0;
    top.forEach(({ index }, r) => {
      covered[index] = 1;
      if (!isHeld.has(index)) return;
      hits++;
      precisions += hits / (r + 1);
      dcg += 1 / Math.log2(r + 2);
    });
    let ideal = 0;
    const cut = Math.min(k, held.length);
    for (let r = 0; r < cut; r++) ideal += 1 / Math.log2(r + 2);
    precision += hits / k;
    recall += hits / held.length;
    map += precisions / cut;
    ndcg += dcg / ideal;
    const rowAuc = withAuc ? aucOf(scores, isHeld) : undefined;
    if (rowAuc !== undefined) {
      auc += rowAuc;
      aucRows++;
    }
  }
  const n = rows.length;
  let coveredCount = 0;
  for (let j = 0; j < cols; j++) coveredCount += covered[j];
  return { k, precision: precision / n, recall: recall / n, map: map / n, ndcg: ndcg / n, auc: aucRows ? auc / aucRows : NaN, coverage: coveredCount / cols, rows: n };
}

/** Held-out candidates of a row up to which AUC counts, for each, the candidates below it rather than sort them all. */
const COUNTED_UP_TO = 16;

/**
 * AUC by the rank sum of the held-out candidates (average ranks for ties); undefined without both kinds.
 * Each held-out column's average rank is (below + 1 + upTo) / 2, from how many candidates score below it and
 * how many at most its score: counted in one pass over the candidates where the row holds few held-out
 * columns (most rows), else found by binary search in the candidates' scores sorted as a Float64Array. The
 * counts are integers either way, so both give the same sum; rank sums of halves are exact, so the order
 * they are added in does not matter.
 */
function aucOf(scores: Float64Array, isHeld: ReadonlySet<number>): number | undefined {
  let count = 0;
  for (let j = 0; j < scores.length; j++) if (scores[j] === scores[j]) count++;
  const held: number[] = [];
  for (const j of isHeld) if (j < scores.length && scores[j] === scores[j]) held.push(scores[j]);
  const positives = held.length;
  const negatives = count - positives;
  if (positives === 0 || negatives === 0) return undefined;
  const rankSum = positives <= COUNTED_UP_TO ? rankSumCounted(scores, held) : rankSumSorted(scores, held, count);
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Σ over the held-out scores of their average ranks, each from one pass over the candidates. */
function rankSumCounted(scores: Float64Array, held: readonly number[]): number {
  const below = new Float64Array(held.length);
  const upTo = new Float64Array(held.length);
  for (let j = 0; j < scores.length; j++) {
    const x = scores[j];
    if (x !== x) continue;
    for (let q = 0; q < held.length; q++) {
      if (x < held[q]) below[q]++;
      if (x <= held[q]) upTo[q]++;
    }
  }
  let rankSum = 0;
  for (let q = 0; q < held.length; q++) rankSum += (below[q] + 1 + upTo[q]) / 2; // the average of ranks below+1 … upTo
  return rankSum;
}

/** The same sum by binary search in the `count` candidates' scores, sorted. */
function rankSumSorted(scores: Float64Array, held: readonly number[], count: number): number {
  const sorted = new Float64Array(count);
  let t = 0;
  for (let j = 0; j < scores.length; j++) if (scores[j] === scores[j]) sorted[t++] = scores[j];
  sorted.sort();
  // First index whose value is ≥ (or >) s.
  const bound = (s: number, strict: boolean) => {
    let low = 0;
    let high = count;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (sorted[mid] < s || (strict && sorted[mid] === s)) low = mid + 1;
      else high = mid;
    }
    return low;
  };
  let rankSum = 0;
  for (const s of held) rankSum += (bound(s, false) + 1 + bound(s, true)) / 2;
  return rankSum;
}

/** Row → its columns, from coordinate lists of indices. */
export function columnsByRow(rowIndex: ArrayLike<number>, colIndex: ArrayLike<number>): Map<number, Int32Array> {
  const lists = new Map<number, number[]>();
  for (let t = 0; t < rowIndex.length; t++) {
    let list = lists.get(rowIndex[t]);
    if (!list) lists.set(rowIndex[t], (list = []));
    list.push(colIndex[t]);
  }
  return new Map([...lists].map(([row, list]) => [row, Int32Array.from(list)]));
}
