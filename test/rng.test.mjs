// The package's own generator: reproducible in every engine, and normal draws that are normal.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { log, Random } from '../dist/math/rng.js';

test('log agrees with Math.log to the last bit (V8 uses the same fdlibm algorithm)', () => {
  const random = new Random(1);
  const samples = [Number.MIN_VALUE, 2.2250738585072014e-308, 1e-300, 0.5, 1, 1 + 2 ** -52, 1 - 2 ** -53, 2, Math.E, 1e300, Number.MAX_VALUE];
  for (let p = 0; p < 100000; p++) samples.push(random.uniform(), 1 + (random.uniform() - 0.5) * 1e-6, random.uniform() * 1e6);
  let mismatches = 0;
  for (const x of samples) if (log(x) !== Math.log(x)) mismatches++;
  assert.is(mismatches, 0);
});

test('same seed, same stream; different seeds, different streams (high bits count)', () => {
  const draw = (seed) => Array.from({ length: 8 }, ((r) => () => r.uint32())(new Random(seed)));
  assert.equal(draw(42), draw(42));
  const streams = [0, 1, 2 ** 32, -1, Number.MAX_SAFE_INTEGER].map((seed) => draw(seed).join());
  assert.is(new Set(streams).size, streams.length);
});

test('fill() draws the same stream as one call per entry, and leaves the generator where those calls would', () => {
  for (const distribution of ['uniform', 'normal']) {
    const one = new Random(9);
    const many = new Random(9);
    const expected = Array.from({ length: 1001 }, () => 0.5 * one[distribution]());
    assert.equal(Array.from(many.fill(new Float64Array(1001), 0.5, distribution)), expected);
    assert.is(many.uint32(), one.uint32());
  }
});

test('uniform draws lie in [0, 1); normal draws have mean 0 and variance 1', () => {
  const random = new Random(123);
  const n = 200000;
  let sum = 0;
  let squares = 0;
  let fourth = 0;
  for (let p = 0; p < n; p++) {
    const u = random.uniform();
    assert.ok(u >= 0 && u < 1);
    const z = random.normal();
    sum += z;
    squares += z * z;
    fourth += z ** 4;
  }
  assert.ok(Math.abs(sum / n) < 0.01, `mean ${sum / n}`);
  assert.ok(Math.abs(squares / n - 1) < 0.015, `variance ${squares / n}`);
  assert.ok(Math.abs(fourth / n - 3) < 0.1, `fourth moment ${fourth / n}`);
});

test.run();
