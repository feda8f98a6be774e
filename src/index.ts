// mfwasm: matrix factorization with missing entries, X ≈ W·H on the observed entries,
// in WebAssembly (AssemblyScript) and pure TypeScript behind one API.
export { factorize } from './model/factorize.js';
export { Factorization } from './model/factorization.js';
export { DivergenceError } from './check/errors.js';
export { DEFAULTS } from './fit/options.js';
export { RECOMMENDED_SOLVER, solvers } from './solvers/index.js';
export { ratingsFromRecords, sumDuplicates } from './input/ratings.js';
export { parseRatings } from './input/reader.js';
export { crossValidate, mae, rmse, score, trainTestSplit } from './evaluate/evaluate.js';
export { mostPopular, rankingMetrics } from './evaluate/ranking.js';
export { expandGrid, parseGrid, search } from './evaluate/search.js';
export { factorRowsFromCsv, factorRowsToCsv } from './model/interop.js';
export { FORMAT_VERSION } from './model/persist.js';
export type { EpochReport, FactorizeOptions, RunOptions, ValidationInput } from './fit/options.js';
export type {
  DenseMatrixInput,
  Ids,
  MaskInput,
  MatrixInput,
  ObservationsInput,
  SparseMatrixInput,
} from './input/observations.js';
export type { ColdStart, PredictOptions, RecommendOptions, SimilarOptions } from './model/factorization.js';
export type { BackendName, FactorRow, Folded, Key, KeyedObservations, Layout, LayoutChoice, Matrix, Parameters, StopReason } from './types.js';
export type { LayoutOptions, RatingOptions, Solver, SolverInfo, SolverOptions } from './solvers/index.js';
export type { Ratings, RecordFields } from './input/ratings.js';
export type { TextOptions } from './input/reader.js';
export type { FoldScore, SplitOptions } from './evaluate/evaluate.js';
export type { FactorsInput, ImplicitOptions } from './model/interop.js';
export type { FoldedMany, FoldInManyOptions, HalfStepOptions } from './model/fold.js';
export { alsHalfStep } from './model/fold.js';
export type { SparkFile, SparkOptions, SparkSource } from './model/spark.js';
export type { Observed, RankingMetrics, RankingOptions } from './evaluate/ranking.js';
export type { Distribution, SearchOptions, SearchResult, Trial } from './evaluate/search.js';
