// mfwasm: matrix factorization with missing entries, X ≈ W·H on the observed entries,
// in WebAssembly (AssemblyScript) and pure TypeScript behind one API.
export { factorize } from './factorize.js';
export { Factorization } from './model.js';
export { DivergenceError } from './errors.js';
export { DEFAULTS } from './options.js';
export { parseRatings, ratingsFromRecords, sumDuplicates } from './ids.js';
export { crossValidate, mae, rmse, score, trainTestSplit } from './evaluate.js';
export { mostPopular, rankingMetrics } from './topn.js';
export { expandGrid, parseGrid, search } from './search.js';
export { factorRowsFromCsv, factorRowsToCsv } from './interop.js';
export { FORMAT_VERSION } from './persist.js';
export type { EpochReport, FactorizeOptions, ValidationInput } from './options.js';
export type {
  DenseMatrixInput,
  Ids,
  MaskInput,
  MatrixInput,
  ObservationsInput,
  SparseMatrixInput,
} from './input.js';
export type { ColdStart, PredictOptions, RecommendOptions, SimilarOptions } from './model.js';
export type { BackendName, FactorRow, Folded, Key, KernelChoice, Layout, Matrix, Parameters, Solver, StopReason } from './types.js';
export type { Ratings, RecordFields, TextOptions } from './ids.js';
export type { FoldScore, Scored, SplitOptions } from './evaluate.js';
export type { FactorsInput } from './interop.js';
export type { Observed, RankingMetrics, RankingOptions } from './topn.js';
export type { Distribution, SearchOptions, SearchResult, Trial } from './search.js';
