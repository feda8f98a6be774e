// Compiled by test/types.test.mjs with tsc --strict: every line without @ts-expect-error must compile, every
// line with one must fail — an option that does not belong to the chosen solver is a compile error.
import { factorize, search, type FactorizeOptions } from 'mfwasm';

const X = [[1, 2], [3, NaN]];

// Accepted: each solver with its own options and the shared ones it takes.
await factorize(X, { rank: 1, learningRate: 0.01, layout: 'sparse', biases: true });
await factorize(X, { rank: 1, solver: 'gd', learningRate: 0.01 });
await factorize(X, { rank: 1, solver: 'sgd', learningRate: 0.01, adaptive: false, l1: 0.1 });
await factorize(X, { rank: 1, solver: 'als', biases: true, nonnegative: true, clip: false });
await factorize(X, { rank: 1, solver: 'ials', alpha: 2, cgSteps: 0, regularization: 1 });
// A model of biases alone takes no rank.
await factorize(X, { solver: 'baseline', biasRegularization: 0.2, epochs: 5 });
const options: FactorizeOptions = { rank: 2, solver: 'als', epochs: 3, threads: 1, precision: 'float32' };
await factorize(X, options);
// search's base may leave rank to the grid.
await search({ rows: 2, cols: 2, rowIndices: [0, 1], colIndices: [0, 1], values: [1, 2] }, { base: { solver: 'als' }, grid: { rank: [1, 2] } });

// Refused: options of another solver.
// @ts-expect-error als takes no learning rate
await factorize(X, { rank: 1, solver: 'als', learningRate: 0.1 });
// @ts-expect-error alpha is ials's
await factorize(X, { rank: 1, solver: 'sgd', alpha: 2 });
// @ts-expect-error ials models events: no biases
await factorize(X, { rank: 1, solver: 'ials', biases: true });
// @ts-expect-error the layout is gd's choice
await factorize(X, { rank: 1, solver: 'als', layout: 'dense' });
// @ts-expect-error adaptive is sgd's, and the default solver is gd
await factorize(X, { rank: 1, adaptive: true });
// @ts-expect-error no such solver
await factorize(X, { rank: 1, solver: 'nmf' });
// @ts-expect-error rank is required
await factorize(X, { solver: 'als' });
// @ts-expect-error baseline has no factors
await factorize(X, { solver: 'baseline', rank: 3 });
// @ts-expect-error baseline's biases are always on
await factorize(X, { solver: 'baseline', biases: false });
