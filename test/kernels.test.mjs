// Every kernel of the contract (src/runtime/kernels.ts) against its pure-TS twin, bit for bit, on odd and
// even lengths and ranks: the same buffers filled with the same numbers in a WASM and a JS workspace, one
// call each, every buffer compared afterwards. A drift names its kernel here rather than showing up as a
// 200-epoch mismatch. The scan and the scorers, which are not part of the solver contract, are checked too.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { backends } from '../dist/backends/index.js';
import { summarize as summarizeInJs } from '../dist/backends/js/scan.js';
import { summarizeInBlocks } from '../dist/backends/wasm.js';
import { jsScorer } from '../dist/backends/js/score.js';
import { testRandom as generator } from './helpers.mjs';
import { Random } from '../dist/math/rng.js';
import { normalEquations } from '../dist/solvers/als.js';
import { counts, sparseStats } from '../dist/input/problem.js';


const SHAPES = [
  { rows: 5, cols: 6, width: 2 },
  { rows: 7, cols: 3, width: 3 },
  { rows: 4, cols: 9, width: 1 },
  { rows: 6, cols: 5, width: 4 },
  { rows: 9, cols: 11, width: 7 },
  { rows: 3, cols: 8, width: 12 },
];

/** A problem's data: dense X with NaN, its CSR and CSC forms, and the parameter blocks. */
function data({ rows, cols, width }, seed, density = 0.6) {
  const random = generator(seed);
  const normal = () => random() * 2 - 1;
  const x = Float64Array.from({ length: rows * cols }, () => (random() < density ? 5 * normal() : NaN));
  x[0] = 1; // every problem has an observation
  const rowStart = new Int32Array(rows + 1);
  const colIndex = [];
  const values = [];
  const rowOf = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) if (!Number.isNaN(x[i * cols + j])) { colIndex.push(j); values.push(x[i * cols + j]); rowOf.push(i); }
    rowStart[i + 1] = colIndex.length;
  }
  const colStart = new Int32Array(cols + 1);
  const rowIndex = [];
  const byColumn = [];
  for (let j = 0; j < cols; j++) {
    for (let i = 0; i < rows; i++) if (!Number.isNaN(x[i * cols + j])) { rowIndex.push(i); byColumn.push(x[i * cols + j]); }
    colStart[j + 1] = rowIndex.length;
  }
  const rowCounts = Float64Array.from({ length: rows }, (_, i) => rowStart[i + 1] - rowStart[i]);
  const colCounts = Float64Array.from({ length: cols }, (_, j) => colStart[j + 1] - colStart[j]);
  // step, l2, l1, low per coordinate; the last coordinate frozen (step 0) when width > 2, as a bias's constant is.
  const params = (l2, l1, low) => Float64Array.from({ length: 4 * width }, (_, p) => {
    const [block, k] = [Math.floor(p / width), p % width];
    return [width > 2 && k === width - 1 ? 0 : 1, l2, l1, low][block];
  });
  return {
    x, rowStart, colIndex: Int32Array.from(colIndex), values: Float64Array.from(values), rowOf: Int32Array.from(rowOf),
    colStart, rowIndex: Int32Array.from(rowIndex), byColumn: Float64Array.from(byColumn), rowCounts, colCounts, count: values.length,
    w: Float64Array.from({ length: rows * width }, normal), h: Float64Array.from({ length: width * cols }, normal),
    ht: Float64Array.from({ length: cols * width }, normal), params, random,
  };
}

/**
 * Runs `call` in a fresh workspace of each backend after `fill`, and requires the returned number and
 * every buffer to be the same to the bit.
 */
async function sameOnBoth(name, buffers, fill, call) {
  const outcomes = [];
  for (const backend of ['wasm', 'js']) {
    const space = await backends[backend].open(buffers, 1);
    fill(space);
    const value = call(space);
    const state = {};
    for (const [buffer, length] of Object.entries(buffers.real)) state[buffer] = space.viewReal(space.real[buffer], length).slice();
    for (const [buffer, length] of Object.entries(buffers.i32)) state[buffer] = space.viewI32(space.i32[buffer], length).slice();
    space.close();
    outcomes.push({ value, state });
  }
  const [wasm, js] = outcomes;
  assert.ok(Object.is(wasm.value, js.value), `${name}: returned ${wasm.value} (wasm) vs ${js.value} (js)`);
  // Scratch buffers are the kernels' own working space (the WASM dense kernel keeps four rows of residuals
  // where the twin keeps one): not outputs, not compared.
  for (const buffer of Object.keys(wasm.state).filter((name) => !SCRATCH.includes(name))) {
    const a = new Uint8Array(wasm.state[buffer].buffer);
    const b = new Uint8Array(js.state[buffer].buffer);
    const first = a.findIndex((byte, p) => byte !== b[p]);
    assert.is(first, -1, `${name}: buffer ${buffer} differs at entry ${Math.floor(first / wasm.state[buffer].BYTES_PER_ELEMENT)}: ${wasm.state[buffer][Math.floor(first / wasm.state[buffer].BYTES_PER_ELEMENT)]} vs ${js.state[buffer][Math.floor(first / js.state[buffer].BYTES_PER_ELEMENT)]}`);
  }
}

const SCRATCH = ['residual', 'gram', 'rhs', 'cg', 'scores'];

const put = (space, kind, name, array) => (kind === 'real' ? space.viewReal(space.real[name], array.length) : space.viewI32(space.i32[name], array.length)).set(array);
/** Buffers named after the data's arrays, stored in `precision`, filled from it (a float32 buffer rounds what it is given). */
function laid(precision, d, realNames, i32Names, extra = {}) {
  const real = Object.fromEntries(realNames.map((n) => [n, (extra[n] ?? d[n]).length]));
  const i32 = Object.fromEntries(i32Names.map((n) => [n, (extra[n] ?? d[n]).length]));
  const fill = (space) => {
    for (const n of realNames) put(space, 'real', n, extra[n] ?? d[n]);
    for (const n of i32Names) put(space, 'i32', n, extra[n] ?? d[n]);
  };
  return { buffers: { real, i32, precision }, fill };
}

/**
 * alsHalf on both backends, with and without coordinate descent, over all rows and over a block of them; the values
 * as the run's precision stores them and less no center, then less a center, then float32 in a buffer of their own
 * (Buffers.float32, as an ALS run of float32 values lays them out in either precision).
 */
async function alsHalfOnBoth(precision, shape) {
  const { rows, cols, width } = shape;
  const d = data(shape, rows * 43 + width, 0.5);
  for (const descend of [0, 1]) {
    for (const [center, single] of [[0, 0], [0.37, 0], [0.37, 1]]) {
      const valueNames = ['values', 'byColumn'];
      const laidOut = laid(precision, d, ['rowCounts', 'colCounts', 'w', 'ht', 'params', ...(single ? [] : valueNames)], ['rowStart', 'colIndex', 'colStart', 'rowIndex'], {
        params: d.params(0.1, descend ? 0.02 : 0, descend ? 0 : -Infinity),
      });
      // The normal equations in float64 scratch in either precision, as ALS runs lay them out.
      const buffers = { ...laidOut.buffers, scratch64: normalEquations(width), ...(single ? { float32: { values: d.count, byColumn: d.count } } : {}) };
      const fill = (space) => {
        laidOut.fill(space);
        if (single) for (const name of valueNames) space.viewFloat32(space.real[name], d.count).set(d[name]);
      };
      const label = `center ${center}${single ? ', float32 values' : ''}`;
      await sameOnBoth(`alsHalf (W, ${label})`, buffers, fill, ({ kernels: k, real: b, i32: n }) =>
        k.alsHalf(n.rowStart, n.colIndex, b.values, b.rowCounts, b.ht, b.w, b.params, rows, width, b.gram, b.rhs, descend, center, single));
      await sameOnBoth(`alsHalf (H, ${label})`, buffers, fill, ({ kernels: k, real: b, i32: n }) =>
        k.alsHalf(n.colStart, n.rowIndex, b.byColumn, b.colCounts, b.w, b.ht, b.params, cols, width, b.gram, b.rhs, descend, center, single));
      // A block of rows: the same call on buffers advanced to its first row (how an epoch answers an abort).
      const from = Math.floor(rows / 2);
      await sameOnBoth(`alsHalf (a block of rows, ${label})`, buffers, fill, (space) => {
        const { kernels: k, real: b, i32: n } = space;
        k.alsHalf(space.atI32(n.rowStart, from), n.colIndex, b.values, space.atReal(b.rowCounts, from), b.ht, space.atReal(b.w, from * width), b.params, rows - from, width, b.gram, b.rhs, descend, center, single);
      });
    }
  }
}

/**
 * Rows with more observations than their width and than a chunk of the float64 build's Gram tiles (assembly/als.ts
 * accumulateGram, 8 observations), at widths of each remainder mod 4 beside its 4-row tiles.
 */
const ALS_SHAPES = [8, 9, 10, 11].map((width) => ({ rows: 6, cols: 40, width }));

const test = suite('kernels: WASM vs TS twin, bit for bit, in float64 and float32');

// float32: the f32 build (assembly/real.ts) against the twin over Float32Arrays, both computing in doubles.
for (const precision of ['float64', 'float32']) for (const shape of ALS_SHAPES) {
  test(`alsHalf, rows of ${shape.cols / 2} observations or so: ${shape.rows}×${shape.cols}, width ${shape.width}, ${precision}`, () => alsHalfOnBoth(precision, shape));
}

for (const precision of ['float64', 'float32']) for (const shape of SHAPES) {
  const { rows, cols, width } = shape;
  const label = `${rows}×${cols}, width ${width}, ${precision}`;

  test(`denseGradientW, denseStepH (plain and penalised): ${label}`, async () => {
    const d = data(shape, rows * 31 + width);
    for (const plain of [1, 0]) {
      const hParams = d.params(plain ? 0 : 0.3, plain ? 0 : 0.05, plain ? -Infinity : -0.5);
      const { buffers, fill } = laid(precision, d, ['x', 'w', 'h', 'residual', 'gradientW', 'gradientH', 'colCounts', 'hParams'], [],
        { residual: new Float64Array(4 * cols + width), gradientW: new Float64Array(rows * width), gradientH: new Float64Array(width * cols), hParams });
      await sameOnBoth('denseGradientW', buffers, fill, ({ kernels: k, real: b }) => k.denseGradientW(b.x, b.w, b.h, b.residual, b.gradientW, rows, cols, width));
      await sameOnBoth('denseStepH', buffers, fill, ({ kernels: k, real: b }) =>
        k.denseStepH(b.x, b.w, b.h, b.residual, b.gradientH, b.colCounts, b.hParams, rows, cols, cols, width, 0.01, plain));
      // Whole epochs in one call (float64 runs only: its objectives are f64), on both backends.
      if (precision === 'float64') {
        const epochs = laid(precision, d, ['x', 'w', 'h', 'residual', 'gradientW', 'gradientH', 'rowCounts', 'colCounts', 'wParams', 'hParams', 'losses'], [], {
          residual: new Float64Array(4 * cols + width), gradientW: Float64Array.from({ length: rows * width }, (_, p) => Math.cos(p)),
          gradientH: new Float64Array(width * cols), rowCounts: new Float64Array(rows).fill(3), wParams: hParams, hParams, losses: new Float64Array(8),
        });
        await sameOnBoth('denseEpochs', epochs.buffers, epochs.fill, ({ kernels: k, real: b }) =>
          k.denseEpochs(b.x, b.w, b.h, b.residual, b.gradientW, b.gradientH, b.rowCounts, b.colCounts, b.wParams, b.hParams, rows, cols, width, 0.01, plain, 6, b.losses, 1e9, 1e12, 0));
      }
      // A block of columns (what one thread takes): the columns from 1 on, rows `cols` apart.
      await sameOnBoth('denseStepH (columns 1…)', buffers, fill, ({ kernels: k, real: b, atReal: at }) =>
        k.denseStepH(at(b.x, 1), b.w, at(b.h, 1), b.residual, at(b.gradientH, 1), at(b.colCounts, 1), b.hParams, rows, cols - 1, cols, width, 0.01, plain));
    }
  });

  // Ranking rows at once (float64 only: a model's factors are float64), in both scorers' orders, with ties.
  if (precision === 'float64') test(`recommendRows: ${label}`, async () => {
    const d = data(shape, rows * 41 + width, 0.4);
    const w = Float64Array.from({ length: rows * width }, (_, p) => Math.sin(p * 1.7)); // the listed rows' factors, in list order
    const ht = Float64Array.from({ length: cols * width }, (_, p) => Math.cos(p * 0.9));
    if (cols > 2) ht.copyWithin(2 * width, width, 2 * width); // columns 1 and 2 score the same: a tie
    const colCounts = Float64Array.from({ length: cols }, (_, j) => (j * 7) % 5);
    const n = Math.min(4, cols);
    const { buffers, fill } = laid(precision, d, ['w', 'ht', 'colCounts', 'scores', 'outScore'], ['rowList', 'rowStart', 'colIndex', 'excluded', 'outIndex'], {
      w, ht, colCounts, scores: new Float64Array(cols), outScore: new Float64Array(rows * n),
      rowList: Int32Array.from({ length: rows }, (_, i) => rows - 1 - i), excluded: Int32Array.of(cols - 1), outIndex: new Int32Array(rows * n),
    });
    for (const order of [0, 1]) for (const [shrinkage, minCount, excludeObserved] of [[0, 0, 0], [3, 1, 1], [0.5, 3, 1]]) {
      await sameOnBoth(`recommendRows (order ${order}, shrinkage ${shrinkage}, minCount ${minCount})`, buffers, fill, ({ kernels: k, real: b, i32: i }) =>
        k.recommendRows(i.rowList, rows, b.w, b.ht, cols, width, width > 1 ? width - 1 : -1, 0.25, b.colCounts, shrinkage, minCount,
          i.rowStart, i.colIndex, excludeObserved, i.excluded, 1, n, order, b.scores, i.outIndex, b.outScore));
    }
  });

  test(`sparseGradientW, sparseStepH, stepRows, penalty: ${label}`, async () => {
    const d = data(shape, rows * 37 + width, 0.4);
    for (const plain of [1, 0]) {
      const params = d.params(plain ? 0 : 0.2, plain ? 0 : 0.1, plain ? -Infinity : 0);
      const { buffers, fill } = laid(precision, d, ['values', 'w', 'ht', 'gradientW', 'gradientH', 'rowCounts', 'colCounts', 'params'], ['rowStart', 'colIndex'],
        { gradientW: Float64Array.from({ length: rows * width }, (_, p) => Math.sin(p)), gradientH: new Float64Array(cols * width), params });
      await sameOnBoth('sparseGradientW', buffers, fill, ({ kernels: k, real: b, i32: n }) => k.sparseGradientW(n.rowStart, n.colIndex, b.values, b.w, b.ht, b.gradientW, rows, width));
      await sameOnBoth('sparseStepH', buffers, fill, ({ kernels: k, real: b, i32: n }) =>
        k.sparseStepH(n.rowStart, n.colIndex, b.values, b.w, b.ht, b.gradientH, b.colCounts, b.params, rows, 0, cols, cols, width, 0.02, plain));
      await sameOnBoth('sparseStepH (columns 1…)', buffers, fill, ({ kernels: k, real: b, i32: n }) =>
        k.sparseStepH(n.rowStart, n.colIndex, b.values, b.w, b.ht, b.gradientH, b.colCounts, b.params, rows, 1, cols, cols, width, 0.02, plain));
      await sameOnBoth('stepRows', buffers, fill, ({ kernels: k, real: b }) => k.stepRows(b.w, b.gradientW, b.rowCounts, b.params, rows, width, 0.03, plain));
      for (const transposed of [0, 1]) {
        await sameOnBoth(`penalty (transposed ${transposed})`, buffers, fill, ({ kernels: k, real: b }) =>
          k.penalty(transposed ? b.ht : b.w, transposed ? b.colCounts : b.rowCounts, b.params, transposed ? cols : rows, width, transposed));
      }
    }
  });

  test(`sgdEpoch (adaptive and plain, in blocks, cells of one word and of two), cellsLoss, observedLoss: ${label}`, async () => {
    const d = data(shape, rows * 41 + width, 0.7);
    // Three blocks over the stored observations, visited 2, 0, 1.
    const third = Math.ceil(d.count / 3);
    const blockStart = Int32Array.of(0, Math.min(third, d.count), Math.min(2 * third, d.count), d.count);
    // Each block's first row and column; its cells count from them: one word (row offset above colBits, the column's
    // below), or two (colBits 32).
    const blockOf = (p) => (p >= blockStart[2] ? 2 : p >= blockStart[1] ? 1 : 0);
    const blockRowBase = new Int32Array(3).fill(rows);
    const blockColBase = new Int32Array(3).fill(cols);
    for (let p = 0; p < d.count; p++) {
      blockRowBase[blockOf(p)] = Math.min(blockRowBase[blockOf(p)], d.rowOf[p]);
      blockColBase[blockOf(p)] = Math.min(blockColBase[blockOf(p)], d.colIndex[p]);
    }
    const colBits = 4;
    const cellsOf = (words) => Int32Array.from({ length: words * d.count }, (_, t) => {
      const p = words === 2 ? t >> 1 : t;
      const [row, col] = [d.rowOf[p] - blockRowBase[blockOf(p)], d.colIndex[p] - blockColBase[blockOf(p)]];
      // Two words: a little-endian u64, the column offset low.
      return words === 2 ? (t & 1 ? row : col) : (row << colBits) | col;
    });
    for (const adaptive of [1, 0]) {
      for (const [bits, words] of [[colBits, 1], [32, 2]]) {
        const { buffers, fill } = laid(precision, d, ['values', 'w', 'ht', 'wParams', 'hParams', 'rowScale', 'colScale'], ['rowOf', 'colIndex', 'cells', 'blockRowBase', 'blockColBase', 'blockStart', 'blockOrder'], {
          wParams: d.params(0.05, 0.01, -Infinity), hParams: d.params(0.07, 0, adaptive ? -Infinity : 0),
          rowScale: new Float64Array(rows).fill(1), colScale: new Float64Array(cols).fill(1), blockStart, blockOrder: Int32Array.of(2, 0, 1),
          cells: cellsOf(words), blockRowBase, blockColBase,
        });
        for (const center of [0, 0.37]) {
          await sameOnBoth(`sgdEpoch (${words} word cells, center ${center})`, buffers, fill, ({ kernels: k, real: b, i32: n }) =>
            k.sgdEpoch(n.blockOrder, 3, n.blockStart, n.cells, n.blockRowBase, n.blockColBase, bits, b.values, center, b.w, b.ht, b.wParams, b.hParams, b.rowScale, b.colScale, width, 0.1, adaptive));
        }
        for (const [low, high] of [[-Infinity, Infinity], [-0.05, 0.07]]) {
          // Clamped predictions too (the training error of clipped predictions): bounds inside the predictions' range.
          await sameOnBoth('observedLoss', buffers, fill, ({ kernels: k, real: b, i32: n }) => k.observedLoss(n.rowOf, n.colIndex, b.values, d.count, b.w, b.ht, width, low, high));
          // cellsLoss from any place to any other: the observedLoss of those observations, to the bit.
          for (const [from, to] of [[0, d.count], [1, d.count - 1], [third - 1, d.count], [2, Math.min(7, d.count)]]) {
            if (from >= to) continue;
            await sameOnBoth(`cellsLoss ${from}…${to}`, buffers, fill, ({ kernels: k, real: b, i32: n }) =>
              k.cellsLoss(n.blockStart, n.cells, n.blockRowBase, n.blockColBase, bits, b.values, 0.37, from, to, b.w, b.ht, width, low, high));
            const space = await backends.wasm.open(buffers, 1);
            fill(space);
            const { kernels: k, real: b, i32: n } = space;
            const byCells = k.cellsLoss(n.blockStart, n.cells, n.blockRowBase, n.blockColBase, bits, b.values, 0, from, to, b.w, b.ht, width, low, high);
            const plain = k.observedLoss(space.atI32(n.rowOf, from), space.atI32(n.colIndex, from), space.atReal(b.values, from), to - from, b.w, b.ht, width, low, high);
            space.close();
            assert.ok(Object.is(byCells, plain), `cellsLoss ${from}…${to} (${words} words): ${byCells} vs observedLoss ${plain}`);
          }
        }
      }
    }
    // Values stored as given and centred by the kernels: the bits of values centred before they were stored (as
    // the run stores them when the model keeps its own copy), in an epoch and in the loss.
    // Float32 values, as a float32 run stores as given only values that are float32 values.
    const center = 3.3;
    const given = d.values.map((v) => Math.fround(v + center));
    const stored = (values) => laid(precision, { ...d, values }, ['values', 'w', 'ht', 'wParams', 'hParams', 'rowScale', 'colScale'], ['cells', 'blockRowBase', 'blockColBase', 'blockStart', 'blockOrder'], {
      wParams: d.params(0.05, 0.01, -Infinity), hParams: d.params(0.07, 0, -Infinity),
      rowScale: new Float64Array(rows).fill(1), colScale: new Float64Array(cols).fill(1), blockStart, blockOrder: Int32Array.of(2, 0, 1),
      cells: cellsOf(1), blockRowBase, blockColBase,
    });
    for (const name of ['wasm', 'js']) {
      const results = [];
      for (const [values, offset] of [[given, center], [given.map((v) => v - center), 0]]) {
        const { buffers, fill } = stored(values);
        const space = await backends[name].open(buffers, 1);
        fill(space);
        const { kernels: k, real: b, i32: n } = space;
        k.sgdEpoch(n.blockOrder, 3, n.blockStart, n.cells, n.blockRowBase, n.blockColBase, colBits, b.values, offset, b.w, b.ht, b.wParams, b.hParams, b.rowScale, b.colScale, width, 0.1, 1);
        const loss = k.cellsLoss(n.blockStart, n.cells, n.blockRowBase, n.blockColBase, colBits, b.values, offset, 0, d.count, b.w, b.ht, width, -Infinity, Infinity);
        results.push({ w: Array.from(space.viewReal(b.w, rows * width)), loss });
        space.close();
      }
      assert.ok(Object.is(results[0].loss, results[1].loss), `${name}: loss ${results[0].loss} centred by the kernel vs ${results[1].loss} stored centred`);
      const differs = results[0].w.findIndex((value, at) => !Object.is(value, results[1].w[at]));
      assert.is(differs, -1, `${name}: sgdEpoch's factors, centred by the kernel vs stored centred, differ at ${differs}`);
    }
  });

  test(`csrLoss: observedLoss over CSR-stored observations from any place to any other, to the bit, without row indices: ${label}`, async () => {
    const d = data(shape, rows * 47 + width, 0.5);
    // Rows emptied here and there (row 1, and the last), so that the kernel steps over rows with nothing.
    const keep = Array.from({ length: d.count }, (_, p) => d.rowOf[p] !== 1 && d.rowOf[p] !== rows - 1 || p === 0);
    const rowOf = Int32Array.from(d.rowOf.filter((_, p) => keep[p]));
    const colIndex = Int32Array.from(d.colIndex.filter((_, p) => keep[p]));
    const values = Float64Array.from(d.values.filter((_, p) => keep[p]));
    const count = values.length;
    const rowStart = new Int32Array(rows + 1);
    for (const i of rowOf) rowStart[i + 1]++;
    for (let i = 0; i < rows; i++) rowStart[i + 1] += rowStart[i];
    const { buffers, fill } = laid(precision, { ...d, rowStart, colIndex, values, rowOf }, ['values', 'w', 'ht'], ['rowStart', 'colIndex', 'rowOf']);
    const rowHolding = (p) => { let i = 0; while (rowStart[i + 1] <= p) i++; return i; };
    for (const [low, high] of [[-Infinity, Infinity], [-0.05, 0.07]]) {
      for (const [from, to] of [[0, count], [1, count - 1], [2, Math.min(7, count)], [Math.floor(count / 2), count], [count - 1, count]]) {
        if (from >= to) continue;
        for (const center of [0, 0.37]) {
          await sameOnBoth(`csrLoss ${from}…${to}, center ${center}`, buffers, fill, ({ kernels: k, real: b, i32: n }) =>
            k.csrLoss(n.rowStart, n.colIndex, b.values, rowHolding(from), from, to, b.w, b.ht, width, low, high, center, 0));
        }
        // The values float32 in a buffer of their own (Buffers.float32), in either precision.
        const single = laid(precision, { ...d, rowStart, colIndex, rowOf }, ['w', 'ht'], ['rowStart', 'colIndex', 'rowOf']);
        await sameOnBoth(`csrLoss ${from}…${to}, float32 values`, { ...single.buffers, float32: { values: count } }, (space) => {
          single.fill(space);
          space.viewFloat32(space.real.values, count).set(values);
        }, ({ kernels: k, real: b, i32: n }) => k.csrLoss(n.rowStart, n.colIndex, b.values, rowHolding(from), from, to, b.w, b.ht, width, low, high, 0.37, 1));
        const space = await backends.wasm.open(buffers, 1);
        fill(space);
        const { kernels: k, real: b, i32: n } = space;
        const byRows = k.csrLoss(n.rowStart, n.colIndex, b.values, rowHolding(from), from, to, b.w, b.ht, width, low, high, 0, 0);
        // A row before the one holding `from` (row 0) serves too: the kernel steps forward from it.
        const fromZero = k.csrLoss(n.rowStart, n.colIndex, b.values, 0, from, to, b.w, b.ht, width, low, high, 0, 0);
        const plain = k.observedLoss(space.atI32(n.rowOf, from), space.atI32(n.colIndex, from), space.atReal(b.values, from), to - from, b.w, b.ht, width, low, high);
        space.close();
        assert.ok(Object.is(byRows, plain) && Object.is(fromZero, plain), `csrLoss ${from}…${to}: ${byRows}, ${fromZero} vs observedLoss ${plain}`);
      }
    }
  });

  test(`alsHalf (Cholesky, few-observation rows, coordinate descent), rows and a block of rows: ${label}`, () => alsHalfOnBoth(precision, shape));

  test(`gramian, ialsHalf (Cholesky and CG, rows and a block of rows), ialsLoss: ${label}`, async () => {
    const d = data(shape, rows * 47 + width, 0.5);
    const confidence = d.values.map((v) => Math.abs(v) * 2);
    const byColumn = d.byColumn.map((v) => Math.abs(v) * 2);
    const { buffers, fill } = laid(precision, d, ['confidence', 'byColumn', 'w', 'ht', 'gramian', 'gram', 'rhs', 'cg'], ['rowStart', 'colIndex', 'colStart', 'rowIndex'], {
      confidence, byColumn, gramian: new Float64Array(width * width), gram: new Float64Array(width * width), rhs: new Float64Array(width), cg: new Float64Array(3 * width),
    });
    await sameOnBoth('gramian', buffers, fill, ({ kernels: k, real: b }) => k.gramian(b.ht, cols, width, b.gramian, 0, width));
    await sameOnBoth('gramian (rows 1…)', buffers, fill, ({ kernels: k, real: b }) => k.gramian(b.ht, cols, width, b.gramian, 1, width - 1));
    for (const steps of [0, 3]) {
      await sameOnBoth(`ialsHalf (W, cgSteps ${steps})`, buffers, fill, ({ kernels: k, real: b, i32: n }) => {
        k.gramian(b.ht, cols, width, b.gramian, 0, width);
        k.ialsHalf(n.rowStart, n.colIndex, b.confidence, b.ht, b.w, b.gramian, rows, width, 0.3, b.gram, b.rhs, b.cg, steps);
      });
      await sameOnBoth(`ialsHalf (H, cgSteps ${steps})`, buffers, fill, ({ kernels: k, real: b, i32: n }) => {
        k.gramian(b.w, rows, width, b.gramian, 0, width);
        k.ialsHalf(n.colStart, n.rowIndex, b.byColumn, b.w, b.ht, b.gramian, cols, width, 0.3, b.gram, b.rhs, b.cg, steps);
      });
      const from = Math.floor(rows / 2);
      await sameOnBoth(`ialsHalf (a block of rows, cgSteps ${steps})`, buffers, fill, (space) => {
        const { kernels: k, real: b, i32: n } = space;
        k.gramian(b.ht, cols, width, b.gramian, 0, width);
        k.ialsHalf(space.atI32(n.rowStart, from), n.colIndex, b.confidence, b.ht, space.atReal(b.w, from * width), b.gramian, rows - from, width, 0.3, b.gram, b.rhs, b.cg, steps);
      });
    }
    await sameOnBoth('ialsLoss', buffers, fill, ({ kernels: k, real: b, i32: n }) => {
      k.gramian(b.ht, cols, width, b.gramian, 0, width);
      return k.ialsLoss(n.rowStart, n.colIndex, b.confidence, b.w, b.ht, b.gramian, rows, width, b.rhs);
    });
  });
}

test('csrFromBins: entries in bins of rows to rows, in column order (or as they come), the same on both backends and as a sort gives', async () => {
  const random = generator(41);
  for (const [rows, cols, shift, byColumn] of [[37, 23, 2, 1], [37, 23, 0, 1], [50, 300, 3, 0], [9, 70_000 >> 2, 1, 1]]) {
    const colBits = Math.max(1, 32 - Math.clz32(cols - 1));
    // Each pair at most once, in a random order.
    const entries = [];
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) if (random() < Math.min(0.3, 400 / cols)) entries.push([i, j, Math.fround(random() * 10 - 5)]);
    entries.sort(() => random() - 0.5);
    const count = entries.length;
    const rowStart = new Int32Array(rows + 1);
    for (const [i] of entries) rowStart[i + 1]++;
    for (let i = 0; i < rows; i++) rowStart[i + 1] += rowStart[i];
    const bins = ((rows - 1) >> shift) + 1;
    const binStart = Int32Array.from({ length: bins + 1 }, (_, b) => rowStart[Math.min(rows, b << shift)]);
    // The entries moved to their bins in the order given, each a word and a float32 value.
    const words = new Int32Array(count);
    const values = new Float32Array(count);
    const free = binStart.slice(0, bins);
    for (const [i, j, x] of entries) {
      const t = free[i >> shift]++;
      words[t] = ((i & ((1 << shift) - 1)) << colBits) | j;
      values[t] = x;
    }
    const largest = Math.max(...Array.from({ length: bins }, (_, b) => binStart[b + 1] - binStart[b]));
    const buffers = {
      real: {},
      i32: { words: count, values: count, binStart: bins + 1, cursor: rows, colStart: cols + 1, sortedWords: largest, sortedValues: largest, columns: Math.ceil(count / 2) },
    };
    const label = `${rows}×${cols}, bins of ${1 << shift} rows, byColumn ${byColumn}`;
    const fill = (space) => {
      put(space, 'i32', 'words', words);
      put(space, 'i32', 'values', new Int32Array(values.buffer));
      put(space, 'i32', 'binStart', binStart);
      put(space, 'i32', 'cursor', rowStart.subarray(0, rows));
      // Scratch too: a reused memory holds what a run before left.
      for (const name of ['columns', 'colStart', 'sortedWords', 'sortedValues']) space.viewI32(space.i32[name], buffers.i32[name]).fill(0);
    };
    // Two calls, bins 0…2 and the rest, as a caller going a few bins a call makes them: each from its first bin.
    const call = (space) => {
      const { kernels: k, i32: n } = space;
      const cut = Math.min(3, bins);
      k.csrFromBins(n.words, n.values, n.binStart, 0, cut, shift, colBits, n.cursor, n.colStart, cols, n.sortedWords, n.sortedValues, n.columns, byColumn);
      k.csrFromBins(n.words, n.values, space.atI32(n.binStart, cut), 0, bins - cut, shift, colBits, space.atI32(n.cursor, cut << shift), n.colStart, cols,
        n.sortedWords, n.sortedValues, n.columns, byColumn);
    };
    await sameOnBoth(`csrFromBins ${label}`, buffers, fill, call);
    const space = await backends.wasm.open(buffers, 1);
    fill(space);
    call(space);
    const columnWords = space.viewI32(space.i32.columns, Math.ceil(count / 2));
    const columns = [...new Uint16Array(columnWords.buffer, columnWords.byteOffset, count)];
    const valueWords = space.viewI32(space.i32.values, count);
    const stored = [...new Float32Array(valueWords.buffer, valueWords.byteOffset, count)];
    space.close();
    // Each row's stretch: in column order, or (byColumn 0) in the order its entries came.
    const expected = entries.map((e, place) => [...e, place]).sort((a, b) => a[0] - b[0] || (byColumn ? a[1] - b[1] : a[3] - b[3]));
    assert.equal(columns, expected.map((e) => e[1]), `${label}: columns`);
    assert.equal(stored, expected.map((e) => e[2]), `${label}: values`);
  }
});

test('blockCells: sgd\'s observations counted, then stored block by block (values less a center, cells of one word or two), the same on both backends', async () => {
  const random = generator(43);
  for (const precision of ['float64', 'float32']) for (const words of [1, 2]) {
    const [rows, cols, bins] = [23, 17, 3];
    const rowBin = Int32Array.from({ length: rows }, () => Math.floor(random() * bins));
    const colBin = Int32Array.from({ length: cols }, () => Math.floor(random() * bins));
    const codes = (bin) => {
      const next = new Int32Array(bins);
      return Int32Array.from(bin, (b) => ((b << 26) | next[b]++) >>> 0);
    };
    const rowStart = new Int32Array(rows + 1);
    const columns = [];
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) if (random() < 0.4) columns.push(j);
      rowStart[i + 1] = columns.length;
    }
    const count = columns.length;
    const given = Float32Array.from({ length: count }, () => random() * 8 - 4);
    const columnWords = new Int32Array(Math.ceil(count / 2));
    new Uint16Array(columnWords.buffer).set(columns);
    const buffers = {
      real: { values: count },
      i32: {
        rowStart: rows + 1, columns: columnWords.length, rowCodes: rows, colCodes: cols, cursor: bins * bins + 1, given: count, cells: words * count,
        stagedStarts: rows + 1, stagedColumns: columnWords.length,
      },
      precision,
    };
    const fill = (space) => {
      put(space, 'i32', 'rowStart', rowStart);
      put(space, 'i32', 'columns', columnWords);
      put(space, 'i32', 'rowCodes', codes(rowBin));
      put(space, 'i32', 'colCodes', codes(colBin));
      put(space, 'i32', 'given', new Int32Array(given.buffer));
      space.viewI32(space.i32.cursor, bins * bins + 1).fill(0);
      space.viewI32(space.i32.cells, words * count).fill(0);
      space.viewI32(space.i32.stagedStarts, rows + 1).fill(0);
      space.viewI32(space.i32.stagedColumns, columnWords.length).fill(0);
      space.viewReal(space.real.values, count).fill(0);
    };
    const label = `${precision}, ${words} word(s)`;
    const call = (space) => {
      const { kernels: k, i32: n, real: b } = space;
      // Counted in two calls (rows 0…9, then the rest), prefix-summed, then stored in two passes, as sgd's start does.
      // Rows 0…9 with every column index given, then the rest from its own first entry (columnBase), its row starts
      // and codes from its first row: as sgd stages a stretch of rows at a time.
      const pass = (kind, center) => {
        k.blockCells(n.rowStart, n.columns, 0, n.rowCodes, n.colCodes, 0, 10, bins, n.cursor, n.given, center, b.values, n.cells, 5, words, kind);
        const base = rowStart[10];
        space.viewI32(n.stagedStarts, rows - 10 + 1).set(rowStart.subarray(10));
        const staged = space.viewI32(n.stagedColumns, Math.ceil(count / 2));
        new Uint16Array(staged.buffer, staged.byteOffset, count).set(columns.slice(base));
        k.blockCells(n.stagedStarts, n.stagedColumns, base, space.atI32(n.rowCodes, 10), n.colCodes, 0, rows - 10, bins, n.cursor, n.given, center, b.values, n.cells, 5, words, kind);
      };
      pass(0, 0);
      const cursor = space.viewI32(n.cursor, bins * bins + 1);
      for (let block = 0; block < bins * bins; block++) cursor[block + 1] += cursor[block];
      const blockStart = cursor.slice();
      pass(1, 0.75);
      cursor.set(blockStart);
      pass(2, 0);
      cursor.set(blockStart);
    };
    await sameOnBoth(`blockCells ${label}`, buffers, fill, call);
    // And as a sort by block gives: each block's observations in CSR order, with their offsets in their bins.
    const space = await backends.wasm.open(buffers, 1);
    fill(space);
    call(space);
    const expected = [];
    const offsets = (bin) => {
      const next = new Int32Array(bins);
      return Array.from(bin, (b) => next[b]++);
    };
    const [rowOffset, colOffset] = [offsets(rowBin), offsets(colBin)];
    for (let i = 0; i < rows; i++) for (let p = rowStart[i]; p < rowStart[i + 1]; p++) expected.push({ block: rowBin[i] * bins + colBin[columns[p]], p, i, j: columns[p] });
    expected.sort((a, b) => a.block - b.block || a.p - b.p);
    const Real = precision === 'float32' ? Float32Array : Float64Array;
    assert.equal([...space.viewReal(space.real.values, count)], expected.map(({ p }) => new Real([given[p] - 0.75])[0]), `${label}: values`);
    const cells = space.viewI32(space.i32.cells, words * count);
    assert.equal([...cells], expected.flatMap(({ i, j }) => (words === 2 ? [colOffset[j], rowOffset[i]] : [(rowOffset[i] << 5) | colOffset[j]])), `${label}: cells`);
    space.close();
  }
});

test('csrSums, csrDeviations: a CSR\'s statistics and column counts in the run, the same on both backends and as sparseStats and counts find them', async () => {
  const random = generator(47);
  for (const [rows, cols] of [[30, 9], [17, 10], [5, 1]]) {
    const rowStart = new Int32Array(rows + 1);
    const columns = [];
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) if (random() < 0.5) columns.push(j);
      rowStart[i + 1] = columns.length;
    }
    const count = columns.length;
    const values = Float32Array.from({ length: count }, () => random() * 10 - 3);
    const columnWords = new Int32Array(Math.ceil(count / 2));
    new Uint16Array(columnWords.buffer).set(columns);
    const buffers = { real: {}, i32: { rowStart: rows + 1, columns: columnWords.length, values: count, colCounts: cols, totals: 10 } };
    const trailingColumn = (cols & 1) === 1 ? cols - 1 : -1;
    const fill = (space) => {
      put(space, 'i32', 'rowStart', rowStart);
      put(space, 'i32', 'columns', columnWords);
      put(space, 'i32', 'values', new Int32Array(values.buffer));
      space.viewI32(space.i32.colCounts, cols).fill(0);
      const totals = space.viewI32(space.i32.totals, 10);
      new Float64Array(totals.buffer, totals.byteOffset, 5).set([0, 0, Infinity, -Infinity, 0]);
    };
    const totalsOf = (space) => {
      const totals = space.viewI32(space.i32.totals, 10);
      return new Float64Array(totals.buffer, totals.byteOffset, 5);
    };
    // Rows in two calls, as statsInRun goes a few hundred rows a call.
    const call = (space) => {
      const { kernels: k, i32: n } = space;
      const cut = Math.floor(rows / 3);
      for (const [first, end] of [[0, cut], [cut, rows]]) k.csrSums(n.rowStart, n.columns, n.values, first, end, trailingColumn, n.colCounts, n.totals);
      const mean = totalsOf(space)[0] / count;
      for (const [first, end] of [[0, cut], [cut, rows]]) k.csrDeviations(n.rowStart, n.columns, n.values, first, end, trailingColumn, mean, n.totals);
    };
    await sameOnBoth(`csrSums ${rows}×${cols}`, buffers, fill, call);
    const space = await backends.wasm.open(buffers, 1);
    fill(space);
    call(space);
    const [sum, squares, min, max, deviation] = totalsOf(space);
    const problem = { layout: 'sparse', rows, cols, rowStart, colIndex: Int32Array.from(columns), values, observedCount: count };
    const expected = sparseStats(problem);
    assert.equal({ mean: sum / count, min, max, squares, deviation }, expected, `${rows}×${cols}: as sparseStats`);
    assert.equal([...space.viewI32(space.i32.colCounts, cols)], [...counts(problem).colCounts], `${rows}×${cols}: as counts`);
    space.close();
  }
});

test('csrCount, csrIntoBins: a caller\'s entries checked and counted by row, then moved to bins of rows, the same on both backends', async () => {
  const random = generator(53);
  const [rows, cols, count, shift, colBits] = [40, 30, 300, 3, 5];
  const bins = ((rows - 1) >> shift) + 1;
  const rowOf = Int32Array.from({ length: count }, () => Math.floor(random() * rows));
  const colOf = Int32Array.from({ length: count }, () => Math.floor(random() * cols));
  const values = Float32Array.from({ length: count }, () => random() * 6 - 1);
  const rowStart = new Int32Array(rows + 1);
  for (const row of rowOf) rowStart[row + 1]++;
  for (let i = 0; i < rows; i++) rowStart[i + 1] += rowStart[i];
  const binStart = Int32Array.from({ length: bins + 1 }, (_, b) => rowStart[Math.min(rows, b << shift)]);
  const buffers = { real: {}, i32: { rowOf: count, colOf: count, values: count, counts: rows + 1, free: bins, words: count, binned: count, found: 4 } };
  for (const [name, at, bad] of [['none', 0, 0], ['rowOf', 120, rows], ['rowOf', 5, -1], ['colOf', 299, cols], ['values', 7, NaN], ['values', 8, -Infinity]]) {
    const lists = { rowOf: rowOf.slice(), colOf: colOf.slice(), values: values.slice() };
    if (name !== 'none') lists[name][at] = bad;
    const fill = (space) => {
      put(space, 'i32', 'rowOf', lists.rowOf);
      put(space, 'i32', 'colOf', lists.colOf);
      put(space, 'i32', 'values', new Int32Array(lists.values.buffer));
      put(space, 'i32', 'free', binStart.subarray(0, bins));
      for (const buffer of ['counts', 'words', 'binned', 'found']) space.viewI32(space.i32[buffer], buffers.i32[buffer]).fill(0);
    };
    // In two chunks, as the staging buffer takes them.
    const call = (space) => {
      const { kernels: k, i32: n } = space;
      const found = [0, 200].map((first) => k.csrCount(space.atI32(n.rowOf, first), space.atI32(n.colOf, first), space.atI32(n.values, first), first ? count - 200 : 200, rows, cols, n.counts));
      space.viewI32(n.found, 2).set(found);
      if (name === 'none') for (const first of [0, 200]) k.csrIntoBins(space.atI32(n.rowOf, first), space.atI32(n.colOf, first), space.atI32(n.values, first), first ? count - 200 : 200, n.free, shift, colBits, n.words, n.binned);
    };
    await sameOnBoth(`csrCount ${name}`, buffers, fill, call);
    const space = await backends.wasm.open(buffers, 1);
    fill(space);
    call(space);
    const found = [...space.viewI32(space.i32.found, 2)];
    assert.equal(found, name === 'none' ? [-1, -1] : at < 200 ? [at, -1] : [-1, at - 200], `${name}: the first entry at fault`);
    if (name === 'none') {
      assert.equal([...space.viewI32(space.i32.counts, rows + 1)], [...rowStart.map((v, i) => (i ? v - rowStart[i - 1] : 0))], 'counts');
      // Each bin's entries in the order given, a word and a value each.
      const expected = [...rowOf.keys()].sort((a, b) => (rowOf[a] >> shift) - (rowOf[b] >> shift) || a - b);
      assert.equal([...space.viewI32(space.i32.words, count)], expected.map((p) => ((rowOf[p] & 7) << colBits) | colOf[p]), 'words');
      const binned = space.viewI32(space.i32.binned, count);
      assert.equal([...new Float32Array(binned.buffer, binned.byteOffset, count)], expected.map((p) => values[p]), 'values');
    }
    space.close();
  }
});

test('drawInto: the initial factors\' draws, uniform and normal, in rows or down the columns of Hᵀ, are Random.fill\'s stream to the bit, the state left where it ends', async () => {
  for (const precision of ['float64', 'float32']) {
    for (const normal of [0, 1]) {
      // A factor of 7 rows × width 5 (rank 3 drawn); then Hᵀ's 3 latent columns over 11 rows, written down the columns.
      const buffers = { real: { w: 7 * 5, ht: 11 * 5 }, i32: { seed: 4 }, precision };
      const random = new Random(2026);
      const start = Int32Array.from(random.state);
      await sameOnBoth(`drawInto ${precision} ${normal ? 'normal' : 'uniform'}`, buffers, (space) => {
        space.viewI32(space.i32.seed, 4).set(start);
        space.viewReal(space.real.w, 35).fill(0);
        space.viewReal(space.real.ht, 55).fill(0);
      }, (space) => {
        const { kernels: k, real: b, i32: n } = space;
        k.drawInto(n.seed, b.w, 7, 3, 5, 1, 0.7, normal);
        k.drawInto(n.seed, b.ht, 3, 11, 1, 5, 1.3, normal);
      });
      // And against the generator itself: the same values, and the same state after.
      const space = await backends.wasm.open(buffers, 1);
      const state = space.viewI32(space.i32.seed, 4);
      state.set(start);
      space.viewReal(space.real.w, 35).fill(0);
      space.kernels.drawInto(space.i32.seed, space.real.w, 7, 3, 5, 1, 0.7, normal);
      const Real = precision === 'float32' ? Float32Array : Float64Array;
      const expected = new Real(7 * 5);
      const row = new Float64Array(3);
      for (let i = 0; i < 7; i++) {
        random.fill(row, 0.7, normal ? 'normal' : 'uniform');
        expected.set(row, i * 5);
      }
      assert.equal([...space.viewReal(space.real.w, 35)], [...expected], `${precision} ${normal ? 'normal' : 'uniform'}`);
      assert.equal([...state], [...random.state]);
      space.close();
    }
  }
  // 40,000 normal draws in float64 against the generator's: the kernel's logarithm (fdlibm's, as src/math/rng.ts's)
  // over the whole of (0, 1).
  const space = await backends.wasm.open({ real: { w: 40000 }, i32: { seed: 4 }, precision: 'float64' }, 1);
  const random = new Random(7);
  space.viewI32(space.i32.seed, 4).set(random.state);
  space.kernels.drawInto(space.i32.seed, space.real.w, 1, 40000, 0, 1, 1, 1);
  const expected = random.fill(new Float64Array(40000), 1, 'normal');
  const drawn = space.viewReal(space.real.w, 40000);
  assert.is(drawn.findIndex((v, p) => !Object.is(v, expected[p])), -1);
  space.close();
});

test('the dense scan (summarize) gives the same summary as its twin, X copied in whole or a block of rows at a time', async () => {
  const same = (wasm, js, label) => {
    assert.equal(Object.keys(wasm).sort(), Object.keys(js).sort(), label);
    for (const key of Object.keys(js)) {
      const [a, b] = [wasm[key], js[key]];
      if (ArrayBuffer.isView(b)) {
        assert.equal(a.constructor.name, b.constructor.name, `${label}: ${key}'s type`);
        assert.equal([...a], [...b], `${label}: ${key}`);
      } else assert.ok(Object.is(a, b), `${label}: ${key}: ${a} vs ${b}`);
    }
  };
  const shapes = [...SHAPES, { rows: 13, cols: 70, width: 2 }, { rows: 1, cols: 33, width: 2 }];
  for (const shape of shapes) {
    const { rows, cols } = shape;
    const doubles = data(shape, shape.cols * 7).x;
    // Half-steps and signed zeros: float32 values, so both keep them in a Float32Array; min and max are zeros of
    // either sign in one lane or the other.
    const halves = doubles.map((v, p) => (v !== v ? v : p % 5 === 1 ? -0 : p % 5 === 2 ? 0 : Math.round(v * 2) / 2));
    // Every entry observed too: the values are then X copied whole, not compacted.
    const whole = (x) => x.map((v, p) => (v === v ? v : p % 3 === 0 ? 0.5 : -1.5));
    const inputs = [['doubles', doubles], ['halves', halves], ['all observed doubles', whole(doubles)], ['all observed halves', whole(halves)]];
    for (const [name, x] of inputs) {
      const js = summarizeInJs(x, rows, cols);
      assert.equal(js.values instanceof Float32Array, name.endsWith('halves'), `${name}: the twin's values' type`);
      assert.equal([...js.values], [...x].filter((v) => v === v), `${name}: the twin's values`);
      same(await backends.wasm.summarize(x, rows, cols), js, `${rows}×${cols} ${name}`);
      // Values not wanted: none copied out, everything else the same; nor the deviation: NaN, everything else the same.
      const needed = [];
      const without = summarizeInJs(x, rows, cols, { values: (...asked) => (needed.push(asked), false) });
      assert.equal(needed, [[js.observedCount, rows, cols]]);
      assert.is(without.values.length, 0);
      same(await summarizeInBlocks(x, rows, cols, 2 * cols * 8, { values: () => false }), without, `${rows}×${cols} ${name}, values not wanted`);
      const noDeviation = summarizeInJs(x, rows, cols, { deviation: false });
      assert.ok(Number.isNaN(noDeviation.deviation));
      assert.equal({ ...noDeviation, deviation: js.deviation }, js);
      for (const values of [() => true, () => false]) {
        const wanted = { values, deviation: false };
        same(await summarizeInBlocks(x, rows, cols, 2 * cols * 8, wanted), summarizeInJs(x, rows, cols, wanted), `${rows}×${cols} ${name}, no deviation`);
      }
      for (const blockRows of [1, 2, 3]) same(await summarizeInBlocks(x, rows, cols, blockRows * cols * 8), js, `${rows}×${cols} ${name}, blocks of ${blockRows} rows`);
      // X the fit's own copy: a fully observed X of doubles is kept as it is (float32 values still halved); else as above.
      for (const summary of [summarizeInJs(x, rows, cols, { owned: true }), await backends.wasm.summarize(x, rows, cols, { owned: true })]) {
        assert.is(summary.values === x, name === 'all observed doubles', `${rows}×${cols} ${name}, owned: kept as it is`);
        assert.equal([...summary.values], [...js.values], `${rows}×${cols} ${name}, owned`);
      }
      // A value float32 cannot hold, in the last row only: the later blocks find it.
      const last = Float64Array.from(x);
      last[last.length - 1] = 0.1;
      same(await summarizeInBlocks(last, rows, cols, cols * 8), summarizeInJs(last, rows, cols), `${rows}×${cols} ${name}, 0.1 last`);
    }
    // An infinite entry is named by its place in X, whichever block it is in.
    for (const at of [0, Math.floor(rows * cols / 2), rows * cols - 1]) {
      const x = Float64Array.from(doubles);
      x[at] = at % 2 ? -Infinity : Infinity;
      for (const blockRows of [1, 2, rows]) {
        assert.equal((await summarizeInBlocks(x, rows, cols, blockRows * cols * 8)).firstInfinite, at, `${rows}×${cols}: ∞ at ${at}, blocks of ${blockRows}`);
      }
      assert.equal(summarizeInJs(x, rows, cols).firstInfinite, at);
    }
  }
});

test('scorers: float64 within 1e-15 relative of the twin (it sums four columns at a time, another order); float32 the twin\'s bits', async () => {
  for (const shape of SHAPES) {
    const d = data(shape, shape.rows * 3);
    const w = d.w.subarray(0, shape.width);
    for (const precision of ['float64', 'float32']) {
      const wasm = await backends.wasm.scorer(d.ht, shape.cols, shape.width, precision);
      const js = jsScorer(d.ht, shape.cols, shape.width, precision);
      const a = wasm.scores(w, 0.5).slice();
      const b = js.scores(w, 0.5);
      if (precision === 'float32') {
        // The same lanes and order on both sides (assembly/score.ts scoreColumnsF32): the same bits.
        assert.equal(Array.from(a), Array.from(b), 'float32');
      } else {
        // Both sum in float64; the order of the additions differs, so the bound is a few ulps of the terms.
        const scale = Math.max(...[...d.ht].map(Math.abs)) * Math.max(...[...w].map(Math.abs)) * shape.width;
        a.forEach((v, j) => assert.ok(Math.abs(v - b[j]) <= 4e-16 * (0.5 + scale), `${precision} column ${j}: ${v} vs ${b[j]}`));
      }
      wasm.close();
    }
  }
});

test.run();
