// SGD's visiting order (src/solvers/order.ts): LIBMF's blocks over the observations.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sgdBlocks } from '../dist/solvers/order.js';
import { Random } from '../dist/math/rng.js';
import { singleObservations } from './helpers.mjs';

/** A CSR problem with `rows` rows, `cols` columns and each entry present with probability `density`. */
function csr(rows, cols, density, seed) {
  const random = new Random(seed);
  const rowStart = [0];
  const colIndex = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) if (random.uniform() < density) colIndex.push(j);
    rowStart.push(colIndex.length);
  }
  return {
    layout: 'sparse', rows, cols, rowStart: Int32Array.from(rowStart), colIndex: Int32Array.from(colIndex),
    values: new Float64Array(colIndex.length), observedCount: colIndex.length,
  };
}

const rowOf = (problem) => {
  const rows = new Int32Array(problem.observedCount);
  for (let i = 0; i < problem.rows; i++) rows.fill(i, problem.rowStart[i], problem.rowStart[i + 1]);
  return rows;
};

/** The CSR position of each stored observation: the run's stable scatter by visit.blockOf (src/solvers/sgd.ts). */
function storedPositions({ rows, rowStart, observedCount }, { blockStart, blockOf }) {
  const cursor = blockStart.slice(0, blockStart.length - 1);
  const positions = new Int32Array(observedCount);
  for (let i = 0; i < rows; i++) for (let p = rowStart[i]; p < rowStart[i + 1]; p++) positions[cursor[blockOf(i, p)]++] = p;
  return positions;
}

test('the blocks hold every observation once, each block in CSR order within one row bin and one column bin', () => {
  for (const [rows, cols, density] of [[97, 61, 0.3], [5, 6, 0.6], [300, 7, 0.5], [1, 1, 1]]) {
    const problem = csr(rows, cols, density, rows + cols);
    const visit = sgdBlocks(problem, new Random(1));
    const { blockStart } = visit;
    const positions = storedPositions(problem, visit);
    assert.is(blockStart.length, 401);
    assert.is(blockStart[400], problem.observedCount);
    assert.equal([...positions].sort((a, b) => a - b), Array.from({ length: problem.observedCount }, (_, p) => p));
    const rowsOf = rowOf(problem);
    for (let b = 0; b < 400; b++) {
      const inBlock = positions.subarray(blockStart[b], blockStart[b + 1]);
      for (let t = 1; t < inBlock.length; t++) assert.ok(inBlock[t] > inBlock[t - 1], `block ${b} is not in CSR order`);
      // Rows sharing a block share a row bin: at most ⌈rows/20⌉ distinct rows, likewise columns.
      assert.ok(new Set([...inBlock].map((p) => rowsOf[p])).size <= Math.ceil(rows / 20));
      assert.ok(new Set([...inBlock].map((p) => problem.colIndex[p])).size <= Math.ceil(cols / 20));
    }
  }
});

test('each epoch visits the blocks in a fresh seeded order; the same seed gives the same orders', () => {
  const problem = csr(50, 40, 0.4, 3);
  const first = sgdBlocks(problem, new Random(9));
  const second = sgdBlocks(problem, new Random(9));
  const orders = [];
  for (let epoch = 0; epoch < 3; epoch++) {
    const order = Array.from(first.nextOrder());
    assert.equal(order, Array.from(second.nextOrder()));
    assert.equal([...order].sort((a, b) => a - b), Array.from({ length: 400 }, (_, b) => b));
    orders.push(order.join());
  }
  assert.is(new Set(orders).size, 3);
});

test('the tests\' singleObservations: each observation a block of its own, in CSR order', () => {
  const visit = singleObservations(5);
  const { blockStart } = visit;
  const positions = storedPositions({ rows: 1, rowStart: Int32Array.of(0, 5), observedCount: 5 }, visit);
  assert.equal(Array.from(positions), [0, 1, 2, 3, 4]);
  assert.equal(Array.from(blockStart), [0, 1, 2, 3, 4, 5]);
});

test.run();
