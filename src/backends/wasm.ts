// The WebAssembly backend: lays the problem out in linear memory, copies it in once, runs one
// kernel call per epoch and copies the factors out once.
import { transposeInto } from '../matrix.js';
import type { Problem } from '../problem.js';
import { loadKernels, release, reserve, type Kernels } from '../wasm/module.js';
import type { Backend, Factors, GradientDescentRun } from './backend.js';

const F64 = 8;
const I32 = 4;

let kernels: Kernels | undefined;

function loaded(): Kernels {
  if (!kernels) throw new Error('mfwasm: the WASM backend was used before ready() resolved');
  return kernels;
}

function f64(k: Kernels, at: number, length: number): Float64Array {
  return new Float64Array(k.memory.buffer, at, length);
}

function startGradientDescent(problem: Problem, initial: Factors, rank: number): GradientDescentRun {
  const k = loaded();
  const { rows, cols } = problem;
  let closed = false;
  const close = () => {
    if (!closed) release();
    closed = true;
  };

  if (problem.layout === 'dense') {
    const at = reserve(k, {
      x: rows * cols * F64,
      w: rows * rank * F64,
      h: rank * cols * F64,
      residual: cols * F64,
      gradient: rank * cols * F64,
    });
    f64(k, at.x, rows * cols).set(problem.values);
    f64(k, at.w, rows * rank).set(initial.W);
    f64(k, at.h, rank * cols).set(initial.H);
    return {
      epoch: (learningRate) =>
        k.denseEpoch(at.x, at.w, at.h, at.residual, at.gradient, rows, cols, rank, learningRate),
      loss: () => k.denseLoss(at.x, at.w, at.h, at.residual, rows, cols, rank),
      factors: () => ({ W: f64(k, at.w, rows * rank).slice(), H: f64(k, at.h, rank * cols).slice() }),
      close,
    };
  }

  const count = problem.observedCount;
  const at = reserve(k, {
    rowStart: (rows + 1) * I32,
    colIndex: count * I32,
    values: count * F64,
    w: rows * rank * F64,
    ht: cols * rank * F64,
    rowGradient: rank * F64,
    gradient: cols * rank * F64,
  });
  new Int32Array(k.memory.buffer, at.rowStart, rows + 1).set(problem.rowStart);
  new Int32Array(k.memory.buffer, at.colIndex, count).set(problem.colIndex);
  f64(k, at.values, count).set(problem.values);
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
  async ready() {
    kernels ??= await loadKernels();
  },
  startGradientDescent,
};
