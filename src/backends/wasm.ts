// The WebAssembly backend: lays the problem out in linear memory, copies it in once, runs one
// kernel call per epoch and copies the factors out once.
import { transposeInto } from '../matrix.js';
import type { DenseProblem, Problem, SparseProblem } from '../problem.js';
import { loadKernels, release, reserve, tooLarge, type Kernels, type Placement } from '../wasm/module.js';
import type { Backend, Factors, GradientDescentRun, Shape } from './backend.js';

const F64 = 8;
const I32 = 4;

// Byte sizes of a run's buffers, in the order they are laid out.
const denseBuffers = (rows: number, cols: number, rank: number) => ({
  x: rows * cols * F64,
  w: rows * rank * F64,
  h: rank * cols * F64,
  residual: cols * F64,
  gradient: rank * cols * F64,
});

const sparseBuffers = (rows: number, cols: number, observedCount: number, rank: number) => ({
  rowStart: (rows + 1) * I32,
  colIndex: observedCount * I32,
  values: observedCount * F64,
  w: rows * rank * F64,
  ht: cols * rank * F64,
  rowGradient: rank * F64,
  gradient: cols * rank * F64,
});

const buffers = ({ layout, rows, cols, observedCount, rank }: Shape): Record<string, number> =>
  layout === 'dense' ? denseBuffers(rows, cols, rank) : sparseBuffers(rows, cols, observedCount, rank);

let kernels: Kernels | undefined;

function f64(k: Kernels, at: number, length: number): Float64Array {
  return new Float64Array(k.memory.buffer, at, length);
}

function startGradientDescent(problem: Problem, initial: Factors, rank: number): GradientDescentRun {
  if (!kernels) throw new Error('mfwasm: the WASM backend was used before ready() resolved');
  const k = kernels;
  const at: Placement<string> = reserve(k, buffers({ ...problem, rank }));
  let open = true;
  const close = () => {
    if (open) release();
    open = false;
  };
  try {
    return problem.layout === 'dense' ? denseRun(k, at, problem, initial, rank, close) : sparseRun(k, at, problem, initial, rank, close);
  } catch (error) {
    close();
    throw error;
  }
}

function denseRun(
  k: Kernels, at: Placement<string>, problem: DenseProblem, initial: Factors, rank: number, close: () => void,
): GradientDescentRun {
  const { rows, cols } = problem;
  f64(k, at.x, rows * cols).set(problem.values);
  f64(k, at.w, rows * rank).set(initial.W);
  f64(k, at.h, rank * cols).set(initial.H);
  return {
    epoch: (learningRate) => k.denseEpoch(at.x, at.w, at.h, at.residual, at.gradient, rows, cols, rank, learningRate),
    loss: () => k.denseLoss(at.x, at.w, at.h, at.residual, rows, cols, rank),
    factors: () => ({ W: f64(k, at.w, rows * rank).slice(), H: f64(k, at.h, rank * cols).slice() }),
    close,
  };
}

function sparseRun(
  k: Kernels, at: Placement<string>, problem: SparseProblem, initial: Factors, rank: number, close: () => void,
): GradientDescentRun {
  const { rows, cols, observedCount } = problem;
  new Int32Array(k.memory.buffer, at.rowStart, rows + 1).set(problem.rowStart);
  new Int32Array(k.memory.buffer, at.colIndex, observedCount).set(problem.colIndex);
  f64(k, at.values, observedCount).set(problem.values);
  f64(k, at.w, rows * rank).set(initial.W);
  transposeInto(initial.H, rank, cols, f64(k, at.ht, cols * rank));
  return {
    epoch: (learningRate) =>
      k.sparseEpoch(at.rowStart, at.colIndex, at.values, at.w, at.ht, at.rowGradient, at.gradient, rows, cols, rank, learningRate),
    loss: () => k.sparseLoss(at.rowStart, at.colIndex, at.values, at.w, at.ht, rows, rank),
    factors: () => ({
      W: f64(k, at.w, rows * rank).slice(),
      H: transposeInto(f64(k, at.ht, cols * rank), cols, rank, new Float64Array(rank * cols)),
    }),
    close,
  };
}

export const wasmBackend: Backend = {
  name: 'wasm',
  sparseBelowDensity: 0.5,
  async ready() {
    kernels ??= await loadKernels();
  },
  tooLarge: (shape) => tooLarge(buffers(shape)),
  startGradientDescent,
};
