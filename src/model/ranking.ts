// A model's rankings: every column's score for a row (what recommend() ranks), with shrinkage by how often
// a column was seen, minCount and exclusions; and the columns most similar to a column.
import { boolean, integer, nonNegative, optionsOf } from '../check/validate.js';
import { describe } from '../check/describe.js';
import { backends, type Scorer } from '../backends/index.js';
import { topN, type Ranked as RankedColumn } from '../math/select.js';
import type { KernelCall } from '../runtime/kernels.js';
import { balanced, partsFor } from '../solvers/parallel.js';
import { solverModule, type Solver } from '../solvers/index.js';
import type { Key, Parameters, RealArray } from '../types.js';
import type { Keys } from './keys.js';

export interface RecommendOptions {
  /** Leave out the row's training observations. Default true. */
  excludeObserved?: boolean;
  /** Further columns to leave out. */
  exclude?: readonly Key[];
  /** Leave out columns with fewer training observations than this. Default 1 (only never-seen columns). */
  minCount?: number;
  /**
   * β of the ranking's shrinkage: what a column adds to the row's baseline (its bias and w_i·h_j) is
   * scaled by n_j/(n_j + β), n_j being its training observations, so that a column rated once or twice
   * cannot top every list on one lucky rating. 0 ranks by the plain prediction. Default 20.
   */
  shrinkage?: number;
}

/** Options of similar(). */
export interface SimilarOptions {
  /** Leave out columns with fewer training observations than this. Default 1. */
  minCount?: number;
  /** β: each cosine is scaled by n_j/(n_j + β), as in recommend(). 0 gives the plain cosine. Default 20. */
  shrinkage?: number;
}

/** Ranking defaults shared by recommend() and similar(). */
export const RANKING_DEFAULTS = Object.freeze({ minCount: 1, shrinkage: 20 });

/**
 * Shrinkage corrects models of ratings, whose column biases are barely shrunk for columns seen once; a model
 * of events already ranks by how much evidence a column has, and a model from elsewhere has no counts.
 */
function defaultShrinkage(solver: Solver | 'imported'): number {
  return solverModule(solver)?.data === 'ratings' ? RANKING_DEFAULTS.shrinkage : 0;
}

/** The options recommend() takes (and rankingMetrics() passes on); similar() takes the last two. */
export const RECOMMEND_OPTIONS = Object.freeze(['excludeObserved', 'exclude', 'minCount', 'shrinkage']);
const SIMILAR_OPTIONS = Object.freeze(['minCount', 'shrinkage']);

function rankingOptions(where: string, options: unknown, solver: Solver | 'imported', known: readonly string[]): { minCount: number; shrinkage: number } {
  const { minCount = RANKING_DEFAULTS.minCount, shrinkage = defaultShrinkage(solver) } = optionsOf(`${where}: options`, options as { minCount?: unknown; shrinkage?: unknown }, known);
  return { minCount: integer(`${where}: options.minCount`, minCount, 0), shrinkage: nonNegative(`${where}: options.shrinkage`, shrinkage) };
}

/** recommend()'s options, checked: the ranking's, whether to leave the row's own columns out, and the columns `exclude` names. */
function recommendOptions(model: Ranked, options: RecommendOptions, where: string): { minCount: number; shrinkage: number; excludeObserved: boolean; excluded: Int32Array } {
  const ranking = rankingOptions(where, options, model.solver, RECOMMEND_OPTIONS);
  const { excludeObserved = true, exclude = [] } = options;
  if (!Array.isArray(exclude) && !ArrayBuffer.isView(exclude)) {
    throw new TypeError(`${where}: options.exclude: expected an array of the columns to leave out, got ${describe(exclude)}`);
  }
  const excluded = Int32Array.from(exclude as ArrayLike<Key>, (col, t) => model.keys.indexOf(col, 'col', `${where}: exclude[${t}]`));
  return { ...ranking, excludeObserved: boolean(`${where}: options.excludeObserved`, excludeObserved), excluded };
}
/** What a ranking reads of a model. */
export interface Ranked {
  readonly p: Parameters;
  readonly keys: Keys;
  readonly solver: Solver | 'imported';
  /** Each row's training columns (CSR). */
  readonly observed: { rowStart: Int32Array; colIndex: Int32Array };
  /** The scorer of every column (the model's resident one when prepareServing() made it). */
  scorer(): Scorer;
  /** The fewest training observations of any column (minCount's pass is skipped when no column falls below it). */
  lowestCount(): number;
}

/**
 * Every column's ranking score for the factor row `w` (a trained row's, `rowIndex` ≥ 0, or folded-in factors
 * with the columns they came from), NaN for the columns left out. A view that the next call overwrites.
 */
export function scoreAll(
  model: Ranked, w: RealArray, rowIndex: number, foldedFrom: Int32Array | undefined, options: RecommendOptions, where: string,
): Float64Array {
  const { p } = model;
  const { minCount, shrinkage, excludeObserved, excluded } = recommendOptions(model, options, where);
  const { colCounts, cols, offset } = p;
  // A view the next call overwrites: marking excluded columns NaN in it is safe.
  const scores = model.scorer().scores(w, offset);
  // The row's own part of every score (μ and its bias) stays; the column's part is shrunk.
  const base = offset + (p.biases ? w[p.rank] : 0);
  // A pass over every column only when it changes something (it is a tenth of a float32 recommend at 1M columns).
  if (shrinkage > 0 || minCount > model.lowestCount()) {
    for (let c = 0; c < cols; c++) {
      const count = colCounts[c];
      if (count < minCount) scores[c] = NaN;
      else if (shrinkage > 0) scores[c] = base + (count / (count + shrinkage)) * (scores[c] - base);
    }
  }
  if (excludeObserved && rowIndex >= 0) {
    const { rowStart, colIndex } = model.observed;
    for (let t = rowStart[rowIndex]; t < rowStart[rowIndex + 1]; t++) scores[colIndex[t]] = NaN;
  } else if (excludeObserved && foldedFrom) {
    for (const j of foldedFrom) if (j >= 0 && j < cols) scores[j] = NaN;
  }
  for (const j of excluded) scores[j] = NaN;
  return scores;
}

/** The n columns whose latent factors point most nearly the way column j0's do (see Factorization.similar). */
export function similar(model: Ranked, j0: number, n: number, options: SimilarOptions): { col: Key; similarity: number }[] {
  const { p } = model;
  const { width, rank } = p;
  const { minCount, shrinkage } = rankingOptions('similar', options, model.solver, SIMILAR_OPTIONS);
  const H = p.H;
  const similarity = new Float64Array(p.cols);
  let norm0 = 0;
  for (let k = 0; k < rank; k++) norm0 += H[j0 * width + k] ** 2;
  norm0 = Math.sqrt(norm0);
  if (norm0 === 0) return [];
  for (let j = 0, at = 0; j < p.cols; j++, at += width) {
    let dot = 0;
    let norm = 0;
    for (let k = 0; k < rank; k++) {
      dot += H[j0 * width + k] * H[at + k];
      norm += H[at + k] * H[at + k];
    }
    const count = p.colCounts[j];
    similarity[j] = j === j0 || count < minCount || norm === 0 ? NaN : (dot / (norm0 * Math.sqrt(norm))) * (count / (count + shrinkage));
  }
  return topN(similarity, n).map(({ index, score }) => ({ col: model.keys.colKey(index), similarity: score }));
}

/** Multiply-adds of scoring from which rows are ranked on every core rather than one (a few milliseconds). */
const RANK_THREADS_FROM = 2 ** 22;

/**
 * The top n of each listed row, as recommend() gives them (the same scores, order and ties: the kernel sums
 * in the order of the model's scorer), ranked by a kernel over parts of the rows, on every core when there is
 * enough work. A model scoring in float32 is ranked row by row (its kernel keeps its own copy of the factors).
 */
export async function recommendRowsOf(model: Ranked, rowIndices: Int32Array, n: number, options: RecommendOptions, where: string): Promise<RankedColumn[][]> {
  const { p } = model;
  const { minCount, shrinkage, excludeObserved, excluded } = recommendOptions(model, options, where);
  const scorer = model.scorer();
  if (scorer.order === 'float32' || rowIndices.length === 0) {
    return Array.from(rowIndices, (row) => topN(scoreAll(model, p.W.subarray(row * p.width, (row + 1) * p.width), row, undefined, options, where), n));
  }
  const { rows, cols, width } = p;
  const count = rowIndices.length;
  const kept = Math.min(n, cols);
  const work = count * cols * width;
  const backend = typeof WebAssembly === 'object' ? backends.wasm : backends.js;
  const threads = work >= RANK_THREADS_FROM ? await backend.hardwareThreads() : 1;
  const { rowStart, colIndex } = model.observed;
  const space = await backend.open({
    real: { w: count * width, ht: cols * width, colCounts: cols, outScore: Math.max(1, count * kept) },
    i32: { rowList: count, rowStart: rows + 1, colIndex: Math.max(1, colIndex.length), excluded: Math.max(1, excluded.length), outIndex: Math.max(1, count * kept) },
    scratch: { scores: cols },
  }, threads);
  try {
    const { real: b, i32: k } = space;
    // Only the listed rows' factors cross into the workspace (a few rows of a million-row model are a few rows).
    const w = space.viewReal(b.w, count * width);
    rowIndices.forEach((row, r) => w.set(p.W.subarray(row * width, (row + 1) * width), r * width));
    space.viewReal(b.ht, cols * width).set(p.H);
    space.viewReal(b.colCounts, cols).set(p.colCounts);
    space.viewI32(k.rowList, count).set(rowIndices);
    space.viewI32(k.rowStart, rows + 1).set(rowStart);
    space.viewI32(k.colIndex, colIndex.length).set(colIndex);
    space.viewI32(k.excluded, excluded.length).set(excluded);
    const biasAt = p.biases ? p.rank : -1;
    const order = scorer.order === 'js' ? 0 : 1;
    const phase = balanced(undefined, 0, count, partsFor(work)).filter(([first, end]) => end > first).map(([first, end]): KernelCall => [
      'recommendRows', space.atI32(k.rowList, first), end - first, space.atReal(b.w, first * width), b.ht, cols, width, biasAt, p.offset, b.colCounts, shrinkage, minCount,
      k.rowStart, k.colIndex, excludeObserved ? 1 : 0, k.excluded, excluded.length, kept, order, b.scores,
      space.atI32(k.outIndex, first * kept), space.atReal(b.outScore, first * kept),
    ]);
    await space.run([phase]);
    const index = space.viewI32(k.outIndex, count * kept);
    const score = space.viewReal(b.outScore, count * kept);
    return Array.from(rowIndices, (_, r) => {
      const list: RankedColumn[] = [];
      for (let t = r * kept; t < (r + 1) * kept && index[t] >= 0; t++) list.push({ index: index[t], score: score[t] });
      return list;
    });
  } finally {
    space.close();
  }
}
