// The WebAssembly backend: lays a run out in the linear memory of an instance it borrows, copies the
// inputs in once, calls one kernel per epoch, and reads factors where they live.
import { transposeInto } from '../matrix.js';
import { borrowInstance, giveBack, reserve, tooLarge, type Kernels, type Placement } from '../wasm/module.js';
import { summarize as summarizeInJs } from './js/scan.js';
import { gradientDescentRun, type Backend, type DenseSummary, type FactorView, type Run, type RunSpec, type Shape } from './backend.js';

const F64 = 8;
const I32 = 4;

// Byte sizes of a run's buffers, in the order they are laid out.
function buffers(shape: Shape & { blocks?: number }): Record<string, number> {
  const { solver, layout, rows, cols, observedCount: count, rank } = shape;
  const common = {
    w: rows * rank * F64,
    wParams: 4 * rank * F64,
    hParams: 4 * rank * F64,
    rowCounts: rows * F64,
    colCounts: cols * F64,
  };
  if (solver === 'gd' && layout === 'dense') {
    return { ...common, x: rows * cols * F64, h: rank * cols * F64, residual: (4 * cols + rank) * F64, gradientW: rows * rank * F64, gradientH: rank * cols * F64 };
  }
  const ht = cols * rank * F64;
  if (solver === 'sgd') {
    // The observations stored once, in visiting order (no CSR copy); blocks ≤ observations.
    const blocks = shape.blocks ?? count;
    return {
      ...common, ht, rowOf: count * I32, colOf: count * I32, values: count * F64,
      blockStart: (blocks + 1) * I32, blockOrder: blocks * I32, rowScale: rows * F64, colScale: cols * F64,
    };
  }
  const observations = { rowStart: (rows + 1) * I32, colIndex: count * I32, values: count * F64, ht };
  if (solver === 'gd') return { ...common, ...observations, gradientW: rows * rank * F64, gradientH: cols * rank * F64 };
  return {
    ...common, ...observations, rowOf: count * I32,
    colStart: (cols + 1) * I32, rowIndex: count * I32, byColumn: count * F64,
    gram: rank * rank * F64, rhs: rank * F64,
  };
}

const f64 = (k: Kernels, at: number, length: number) => new Float64Array(k.memory.buffer, at, length);
const i32 = (k: Kernels, at: number, length: number) => new Int32Array(k.memory.buffer, at, length);

// The closures returned capture only numbers and the instance, never `spec`: once the inputs are copied
// in, the caller's arrays can be collected while the run trains.
function layOut(k: Kernels, spec: RunSpec): Run {
  const { problem, rank, rowCounts, colCounts, learningRate, penalized } = spec;
  const { rows, cols, observedCount: count } = problem;
  const at: Placement<string> = reserve(k, buffers({ ...spec, ...problem, rank, blocks: spec.visit && spec.visit.blockStart.length - 1 }));
  f64(k, at.w, rows * rank).set(spec.initial.W);
  f64(k, at.wParams, 4 * rank).set(spec.wParams);
  f64(k, at.hParams, 4 * rank).set(spec.hParams);
  f64(k, at.rowCounts, rows).set(rowCounts);
  f64(k, at.colCounts, cols).set(colCounts);
  const penalties = (h: number, hTransposed: boolean) =>
    penalized
      ? k.penalty(at.w, at.rowCounts, at.wParams, rows, rank, 0) + k.penalty(h, at.colCounts, at.hParams, cols, rank, hTransposed ? 1 : 0)
      : 0;

  const plain = spec.plain ? 1 : 0;
  const stepW = () => k.stepRows(at.w, at.gradientW, at.rowCounts, at.wParams, rows, rank, learningRate, plain);
  if (spec.solver === 'gd' && problem.layout === 'dense') {
    f64(k, at.x, rows * cols).set(problem.values);
    f64(k, at.h, rank * cols).set(spec.initial.H);
    return gradientDescentRun(
      () => k.denseGradientW(at.x, at.w, at.h, at.residual, at.gradientW, rows, cols, rank) + penalties(at.h, true),
      () => {
        stepW();
        k.denseStepH(at.x, at.w, at.h, at.residual, at.gradientH, at.colCounts, at.hParams, rows, cols, rank, learningRate, plain);
      },
      () => ({ W: f64(k, at.w, rows * rank), H: f64(k, at.h, rank * cols), hTransposed: false }),
      () => giveBack(k),
    );
  }
  if (problem.layout !== 'sparse') throw new Error(`mfwasm: the ${spec.solver} solver needs the sparse layout`);
  const view = (): FactorView => ({ W: f64(k, at.w, rows * rank), H: f64(k, at.ht, cols * rank), hTransposed: true });
  const close = () => giveBack(k);
  transposeInto(spec.initial.H, rank, cols, f64(k, at.ht, cols * rank));

  if (spec.solver === 'sgd') {
    const { positions, blockStart } = spec.visit!;
    const blocks = blockStart.length - 1;
    // Gathered straight into WASM memory, in visiting order.
    const rowOf = i32(k, at.rowOf, count);
    const colOf = i32(k, at.colOf, count);
    const values = f64(k, at.values, count);
    for (let t = 0; t < count; t++) {
      const p = positions[t];
      rowOf[t] = spec.rowOf![p];
      colOf[t] = problem.colIndex[p];
      values[t] = problem.values[p];
    }
    i32(k, at.blockStart, blocks + 1).set(blockStart);
    f64(k, at.rowScale, rows).fill(1);
    f64(k, at.colScale, cols).fill(1);
    const adaptive = spec.adaptive ? 1 : 0;
    return {
      loss: () => k.observedLoss(at.rowOf, at.colOf, at.values, count, at.w, at.ht, rank) + penalties(at.ht, false),
      epoch(order) {
        i32(k, at.blockOrder, blocks).set(order!);
        k.sgdEpoch(
          at.blockOrder, blocks, at.blockStart, at.rowOf, at.colOf, at.values, at.w, at.ht, at.wParams, at.hParams,
          at.rowScale, at.colScale, rank, learningRate, adaptive,
        );
      },
      view,
      close,
    };
  }

  i32(k, at.rowStart, rows + 1).set(problem.rowStart);
  i32(k, at.colIndex, count).set(problem.colIndex);
  f64(k, at.values, count).set(problem.values);
  if (spec.solver === 'gd') {
    return gradientDescentRun(
      () => k.sparseGradientW(at.rowStart, at.colIndex, at.values, at.w, at.ht, at.gradientW, rows, rank) + penalties(at.ht, false),
      () => {
        stepW();
        k.sparseStepH(at.rowStart, at.colIndex, at.values, at.w, at.ht, at.gradientH, at.colCounts, at.hParams, rows, cols, rank, learningRate, plain);
      },
      view,
      close,
    );
  }

  i32(k, at.rowOf, count).set(spec.rowOf!);
  const loss = () => k.observedLoss(at.rowOf, at.colIndex, at.values, count, at.w, at.ht, rank) + penalties(at.ht, false);
  const columns = spec.columns!;
  i32(k, at.colStart, cols + 1).set(columns.colStart);
  i32(k, at.rowIndex, count).set(columns.rowIndex);
  f64(k, at.byColumn, count).set(columns.values);
  const descend = spec.coordinateDescent ? 1 : 0;
  return {
    loss,
    epoch() {
      k.alsHalf(at.rowStart, at.colIndex, at.values, at.rowCounts, at.ht, at.w, at.wParams, rows, rank, at.gram, at.rhs, descend);
      k.alsHalf(at.colStart, at.rowIndex, at.byColumn, at.colCounts, at.w, at.ht, at.hParams, cols, rank, at.gram, at.rhs, descend);
    },
    view,
    close,
  };
}

export const wasmBackend: Backend = {
  name: 'wasm',
  sparseBelowDensity: 0.4,
  tooLarge: (shape) => tooLarge(buffers(shape)),
  async summarize(values, rows, cols) {
    const words = (cols + 31) >>> 5;
    const sizes = { x: rows * cols * F64, rowCounts: rows * F64, colCounts: cols * F64, bits: rows * words * I32, out: 5 * F64 };
    // A dense X past 4 GiB cannot be copied in, though its sparse form may well fit: the JS twin of
    // the pass gives the same summary.
    if (tooLarge(sizes)) return summarizeInJs(values, rows, cols);
    const k = await borrowInstance();
    try {
      const at = reserve(k, sizes);
      f64(k, at.x, rows * cols).set(values);
      f64(k, at.colCounts, cols).fill(0);
      const firstInfinite = k.summarize(at.x, rows, cols, at.rowCounts, at.colCounts, at.bits, at.out);
      if (firstInfinite >= 0) return { firstInfinite } as DenseSummary;
      const [observedCount, sum, squares, min, max] = f64(k, at.out, 5);
      return {
        firstInfinite, observedCount, sum, squares, min, max,
        rowCounts: f64(k, at.rowCounts, rows).slice(),
        colCounts: f64(k, at.colCounts, cols).slice(),
        bits: new Uint32Array(k.memory.buffer, at.bits, rows * words).slice(),
        deviation: k.squaredDeviation(at.x, rows, cols, sum / observedCount),
      };
    } finally {
      giveBack(k);
    }
  },
  async scorer(ht, cols, width, precision) {
    // An instance of its own: the factors stay resident between calls, for as long as the scorer lives.
    const k = await borrowInstance();
    const single = precision === 'float32';
    const at = reserve(k, { w: width * F64, ht: cols * width * (single ? 4 : F64), out: cols * F64 });
    (single ? new Float32Array(k.memory.buffer, at.ht, cols * width) : f64(k, at.ht, cols * width)).set(ht);
    const score = single ? k.scoreColumnsF32 : k.scoreColumns;
    return {
      scores(w, offset) {
        f64(k, at.w, width).set(w);
        score(at.w, at.ht, cols, width, offset, at.out);
        return f64(k, at.out, cols);
      },
      close: () => giveBack(k),
    };
  },
  async start(spec) {
    const kernels = await borrowInstance();
    try {
      return layOut(kernels, spec);
    } catch (error) {
      giveBack(kernels);
      throw error;
    }
  },
};
