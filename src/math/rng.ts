// The seeded generator behind every random choice in the package, identical on both backends
// and in every JavaScript engine: xoshiro128** on 32-bit integers, and normal draws by
// Marsaglia's polar method using only +, −, ×, ÷, √ (correctly rounded everywhere) and the
// logarithm below. Math.log is not specified to the last bit and differs between engines.

/** splitmix32: spreads a seed over the generator's state so that nearby seeds give unrelated streams. */
function splitmix32(state: number): [number, number] {
  state = (state + 0x9e3779b9) | 0;
  let z = state;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [state, (z ^ (z >>> 16)) >>> 0];
}

export class Random {
  // In an Int32Array, not four number fields: V8 boxes a field that leaves the small-integer range,
  // which made every draw allocate.
  private readonly s = new Int32Array(4);

  /** `seed` is any safe integer; its low and high 32 bits both count. */
  constructor(seed: number) {
    let state = (seed >>> 0) ^ Math.imul(Math.floor(seed / 2 ** 32) | 0, 0x27d4eb2d);
    for (let t = 0; t < 4; t++) {
      const [nextState, value] = splitmix32(state);
      state = nextState;
      this.s[t] = value;
    }
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
  }

  /** A generator that goes on from `state` (another's Random.state). */
  static resume(state: Int32Array): Random {
    const random = new Random(0);
    random.s.set(state);
    return random;
  }

  /** The generator's state, live: for a kernel that draws from this stream and writes back where it ended. */
  get state(): Int32Array {
    return this.s;
  }

  private readonly word = new Uint32Array(1);
  private readonly chunk = new Uint32Array(4096);

  /** Fills target[0…count−1] with the next `count` uniform integers in [0, 2³²). */
  words(target: Uint32Array, count = target.length): Uint32Array {
    // The state lives in locals for the loop: V8 then keeps it in registers.
    const state = this.s;
    let s0 = state[0];
    let s1 = state[1];
    let s2 = state[2];
    let s3 = state[3];
    for (let p = 0; p < count; p++) {
      target[p] = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl(s3, 11);
    }
    state[0] = s0;
    state[1] = s1;
    state[2] = s2;
    state[3] = s3;
    return target;
  }

  /** A uniform integer in [0, 2³²). */
  uint32(): number {
    return this.words(this.word)[0];
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    return toUniform(this.uint32(), this.uint32());
  }

  /**
   * target[t] = scale · (the next uniform() or normal() draw), for t in order: the same stream as that
   * many calls, with the words drawn in chunks (several times faster for long fills). A chunk never
   * holds more words than the remaining draws need at least (2 per uniform, 4 per normal attempt),
   * so none is drawn ahead and the generator ends where the calls would leave it.
   */
  fill(target: Float64Array, scale: number, distribution: 'uniform' | 'normal'): Float64Array {
    const perDraw = distribution === 'uniform' ? 2 : 4;
    const chunk = this.chunk;
    let at = 0;
    let end = 0;
    for (let t = 0; t < target.length; t++) {
      for (;;) {
        if (at === end) {
          end = Math.min(chunk.length, perDraw * (target.length - t));
          // No view of the chunk: fill() is called once a factor row, and a view each call was megabytes of garbage.
          this.words(chunk, end);
          at = 0;
        }
        const first = toUniform(chunk[at], chunk[at + 1]);
        if (perDraw === 2) {
          at += 2;
          target[t] = scale * first;
          break;
        }
        const u = 2 * first - 1;
        const v = 2 * toUniform(chunk[at + 2], chunk[at + 3]) - 1;
        at += 4;
        const r = u * u + v * v;
        if (r > 0 && r < 1) {
          target[t] = scale * polar(u, r);
          break;
        }
      }
    }
    return target;
  }

  /** A standard normal draw. */
  normal(): number {
    for (;;) {
      const u = 2 * this.uniform() - 1;
      const v = 2 * this.uniform() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) return polar(u, s);
    }
  }
}

/** 53 random bits from two words: 27 of the first, 26 of the second. */
function toUniform(first: number, second: number): number {
  return ((first >>> 5) * 67108864 + (second >>> 6)) / 9007199254740992;
}

/** Marsaglia's polar method: a normal draw from u and s = u² + v² in (0, 1). */
function polar(u: number, s: number): number {
  return u * Math.sqrt((-2 * log(s)) / s);
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

// fdlibm's __ieee754_log (the algorithm V8 and SpiderMonkey use), for finite x > 0.
const LN2_HI = 6.93147180369123816490e-1;
const LN2_LO = 1.90821492927058770002e-10;
const TWO54 = 1.8014398509481984e16;
const LG1 = 6.666666666666735130e-1;
const LG2 = 3.999999999940941908e-1;
const LG3 = 2.857142874366239149e-1;
const LG4 = 2.222219843214978396e-1;
const LG5 = 1.818357216161805012e-1;
const LG6 = 1.531383769920937332e-1;
const LG7 = 1.479819860511658591e-1;

// One f64 seen as two 32-bit words; HIGH is the index of the word with the sign and exponent.
const float = new Float64Array(1);
const words = new Int32Array(float.buffer);
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** Natural logarithm of a finite x > 0, bit-reproducible in every engine. */
export function log(x: number): number {
  float[0] = x;
  let hx = words[HIGH];
  let k = 0;
  if (hx < 0x00100000) {
    // Subnormal: scale into the normal range.
    k -= 54;
    x *= TWO54;
    float[0] = x;
    hx = words[HIGH];
  }
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  const i = (hx + 0x95f64) & 0x100000;
  // Normalise x into [sqrt(2)/2, sqrt(2)).
  words[HIGH] = hx | (i ^ 0x3ff00000);
  x = float[0];
  k += i >> 20;
  const f = x - 1.0;
  const dk = k;
  if ((0x000fffff & (2 + hx)) < 3) {
    if (f === 0) return k === 0 ? 0 : dk * LN2_HI + dk * LN2_LO;
    const R = f * f * (0.5 - 0.33333333333333333 * f);
    return k === 0 ? f - R : dk * LN2_HI - (R - dk * LN2_LO - f);
  }
  const s = f / (2.0 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const R = t2 + t1;
  if (((hx - 0x6147a) | (0x6b851 - hx)) > 0) {
    const hfsq = 0.5 * f * f;
    return k === 0 ? f - (hfsq - s * (hfsq + R)) : dk * LN2_HI - (hfsq - (s * (hfsq + R) + dk * LN2_LO) - f);
  }
  return k === 0 ? f - s * (f - R) : dk * LN2_HI - (s * (f - R) - dk * LN2_LO - f);
}
