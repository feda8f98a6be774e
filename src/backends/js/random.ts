// Pure-TypeScript twin of assembly/random.ts: the initial factors' draws through src/math/rng.ts Random itself.
import { Random } from '../../math/rng.js';
import type { RealArray } from '../../types.js';

export function drawInto(
  state: Int32Array, target: RealArray, lines: number, count: number, lineStride: number, step: number, scale: number, normal: number,
): void {
  const random = Random.resume(state);
  const line = new Float64Array(count);
  for (let l = 0; l < lines; l++) {
    random.fill(line, scale, normal ? 'normal' : 'uniform');
    for (let c = 0; c < count; c++) target[l * lineStride + c * step] = line[c];
  }
  state.set(random.state);
}
