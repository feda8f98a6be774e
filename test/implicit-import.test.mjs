// Models saved by Python's implicit (.npz, test/fixtures/implicit/make_implicit_models.py writes them with
// numpy as implicit's save() does, and the scores numpy gives): loaded, they predict implicit's scores.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { Factorization } from 'mfwasm';

const fixture = (name) => readFileSync(new URL(`./fixtures/implicit/${name}`, import.meta.url));
const expected = JSON.parse(fixture('expected.json'));

const scores = (model, users, items) => Array.from({ length: users }, (_, u) => Array.from({ length: items }, (_, i) => model.predict(u, i)));

for (const [name, shape] of [['als', [9, 13, 4]], ['bpr', [7, 11, 3 + 1]], ['fortran', [5, 6, 3]]]) {
  test(`implicit ${name}: every score as numpy's float64 dot product of the float32 factors`, () => {
    const model = Factorization.fromImplicit(fixture(`${name}.npz`));
    const [users, items, width] = shape;
    assert.equal([model.W.rows, model.H.cols, model.rank], [users, items, width]);
    const got = scores(model, users, items);
    for (let u = 0; u < users; u++) {
      for (let i = 0; i < items; i++) {
        const want = expected[name].scores[u][i];
        assert.ok(Math.abs(got[u][i] - want) <= 1e-12 * Math.max(1, Math.abs(want)), `${name} (${u}, ${i}): ${got[u][i]} vs ${want}`);
      }
    }
    // recommend() ranks by the same scores: the top item is numpy's argmax.
    const best = expected[name].scores[0].indexOf(Math.max(...expected[name].scores[0]));
    assert.is(model.recommend(0, 1)[0].col, best);
  });
}

test('implicit: ids name rows and columns; the file\'s regularization is what fold-in uses; it saves and loads', () => {
  const rowIds = Array.from({ length: 9 }, (_, u) => `user${u}`);
  const colIds = Array.from({ length: 13 }, (_, i) => `item${i}`);
  const model = Factorization.fromImplicit(new Uint8Array(fixture('als.npz')).buffer, { rowIds, colIds });
  assert.ok(Math.abs(model.predict('user2', 'item5') - expected.als.scores[2][5]) < 1e-12);
  assert.is(model.info.penalties.regularization.W, expected.als.regularization);
  assert.is(model.solver, 'imported');
  const back = Factorization.fromBytes(model.toBytes());
  assert.is(back.predict('user8', 'item12'), model.predict('user8', 'item12'));
});

test('implicit: damaged or unexpected files say what is wrong', () => {
  const fails = (bytes, pattern, options) => assert.throws(() => Factorization.fromImplicit(bytes, options), pattern);
  fails(fixture('truncated.npz'), /fromImplicit: not an \.npz file \(no zip directory at its end/);
  fails(fixture('compressed.npz'), /fromImplicit: user_factors\.npy is compressed \(zip method 8\): expected the stored members np\.savez writes/);
  fails(fixture('no-items.npz'), /fromImplicit: no item_factors in the file \(it holds user_factors, factors\): expected a model saved by implicit's save\(\)/);
  fails(fixture('mismatch.npz'), /fromImplicit: the factors are 2 wide, expected 3 for ALS with factors = 3/);
  fails(new TextEncoder().encode('user,item\n1,2\n'), /fromImplicit: not an \.npz file/);
  fails('model.npz', /fromImplicit: expected the file's bytes \(a Uint8Array or an ArrayBuffer\), got the string "model\.npz" \(a path\? read the file first/);
  fails(fixture('als.npz'), /fromImplicit: options\.rowIds: expected 9 ids, one per row of user_factors, got 2/, { rowIds: ['a', 'b'] });
  // A member cut short inside an otherwise whole zip: corrupt the stored size of user_factors' data.
  const bytes = new Uint8Array(fixture('als.npz'));
  const text = new TextDecoder('latin1').decode(bytes);
  const header = text.indexOf("'descr': '<f4'");
  bytes[header + 12] = '8'.charCodeAt(0); // '<f8': twice the bytes the member holds
  fails(bytes, /fromImplicit: user_factors\.npy: truncated: 36 entries of 8 bytes need 288 bytes after the header, the file has 144/);
});

test.run();
