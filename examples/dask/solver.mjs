// One long-lived Node process per Dask worker (started by als.py's tasks, once per worker process): it keeps
// the worker's blocks of ratings and solves ALS half-steps on them with mfwasm, over its stdin and stdout.
//
// Messages both ways: one line of JSON naming the byte lengths of the buffers that follow it, then the
// buffers (little-endian Int32/Float64 arrays). Requests: init (the whole ratings: the initial factors and μ
// that factorize() would start from), load (a block of rows or columns, kept under its name), solve (a kept
// block against the fixed side's factors: ALS's half-step, alsHalfStep).
import { alsHalfStep, factorize } from 'mfwasm';

const blocks = new Map();
let pending = Buffer.alloc(0);

/** The next complete message in `pending`, or undefined. */
function nextMessage() {
  const newline = pending.indexOf(10);
  if (newline < 0) return undefined;
  const header = JSON.parse(pending.subarray(0, newline).toString('utf8'));
  const total = (header.buffers ?? []).reduce((sum, length) => sum + length, 0);
  if (pending.length < newline + 1 + total) return undefined;
  let at = newline + 1;
  const buffers = (header.buffers ?? []).map((length) => {
    // A copy on its own 8-byte-aligned ArrayBuffer, so that typed arrays can view it.
    const bytes = new Uint8Array(length);
    bytes.set(pending.subarray(at, at + length));
    at += length;
    return bytes.buffer;
  });
  pending = pending.subarray(at);
  return { header, buffers };
}

function reply(header, arrays = []) {
  const bytes = arrays.map((array) => Buffer.from(array.buffer, array.byteOffset, array.byteLength));
  process.stdout.write(JSON.stringify({ ...header, buffers: bytes.map((b) => b.length) }) + '\n');
  for (const b of bytes) process.stdout.write(b);
}

async function handle({ header, buffers }) {
  const { type } = header;
  if (type === 'init') {
    const [rowIndices, colIndices, values] = [new Int32Array(buffers[0]), new Int32Array(buffers[1]), new Float64Array(buffers[2])];
    const { rows, cols, rank, biases, regularization, seed } = header;
    const model = await factorize({ rows, cols, rowIndices, colIndices, values }, { solver: 'als', rank, biases, regularization, seed, epochs: 0, keepObservations: false, threads: 1 });
    const p = model.info.parameters;
    reply({ type, offset: p.offset, width: p.width }, [Float64Array.from(p.H)]);
  } else if (type === 'load') {
    blocks.set(header.name, { rowStart: new Int32Array(buffers[0]), colIndex: new Int32Array(buffers[1]), values: new Float64Array(buffers[2]) });
    reply({ type, name: header.name });
  } else if (type === 'solve') {
    const block = blocks.get(header.name);
    if (!block) throw new Error(`no block named ${header.name}`);
    const { rank, biases, regularization, offset, side, threads } = header;
    const solved = await alsHalfStep(block, new Float64Array(buffers[0]), { rank, biases, regularization, offset, side, threads: threads ?? 1 });
    reply({ type, name: header.name }, [solved]);
  } else {
    throw new Error(`unknown request ${JSON.stringify(type)}`);
  }
}

let queue = Promise.resolve();
process.stdin.on('data', (chunk) => {
  pending = Buffer.concat([pending, chunk]);
  for (let message = nextMessage(); message; message = nextMessage()) {
    const current = message;
    queue = queue.then(() => handle(current)).catch((error) => reply({ type: 'error', message: error.message }));
  }
});
process.stdin.on('end', () => queue.then(() => process.exit(0)));
