// npm run bench:draws [-- float32]
//
// The initial factors' draws (assembly/random.ts drawInto): nanoseconds a value, uniform and normal, 65,536 values a
// call into a run's memory, 160 calls a round, five rounds printed (the first is V8's compile); and a hash of the last
// call's values, which must not change when the kernel does (the draws are Random.fill's stream to the bit).
import { backends } from '../dist/backends/index.js';

const precision = process.argv[2] ?? 'float64';
const values = 1 << 16;
const calls = 160;
const space = await backends.wasm.open({ real: { w: values }, i32: { state: 4 }, precision }, 1);
for (const normal of [0, 1]) {
  space.viewI32(space.i32.state, 4).set([1, 2, 3, 4]);
  const rounds = [];
  for (let round = 0; round < 5; round++) {
    const started = performance.now();
    for (let call = 0; call < calls; call++) space.kernels.drawInto(space.i32.state, space.real.w, 1, values, values, 1, 0.1, normal);
    rounds.push(((performance.now() - started) * 1e6) / (values * calls));
  }
  const drawn = space.viewReal(space.real.w, values);
  let hash = 0;
  for (let p = 0; p < values; p++) hash = (Math.imul(hash, 31) + Math.round(drawn[p] * 1e6)) | 0;
  console.log(`${precision} ${normal ? 'normal ' : 'uniform'}: ${rounds.map((ns) => ns.toFixed(2)).join(' ')} ns a value; hash ${hash}`);
}
space.close();
