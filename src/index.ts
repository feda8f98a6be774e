// mfwasm: matrix factorization with missing entries, X ≈ W·H on the observed entries,
// in WebAssembly (AssemblyScript) and pure TypeScript behind one API.
export { factorize } from './factorize.js';
export { Factorization } from './model.js';
export { DivergenceError } from './errors.js';
export { DEFAULTS } from './options.js';
export type { EpochReport, FactorizeOptions, ValidationInput } from './options.js';
export type {
  DenseMatrixInput,
  KernelChoice,
  MaskInput,
  MatrixInput,
  ObservationsInput,
  SparseMatrixInput,
} from './input.js';
export type { Matrix } from './matrix.js';
export type { BackendName, Solver } from './backends/index.js';
export type { Layout } from './problem.js';
export type { StopReason } from './train.js';
