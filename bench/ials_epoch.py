"""One iALS epoch in numpy, the way a plain implementation does it: BLAS for every row's system.

python3 bench/ials_epoch.py <events file> <rank> <alpha> <lambda> <repeats>
The events file holds int32 rows, int32 cols, float64 values (written by bench/ials.mjs) after a header
of three int32: rows, cols, count. Prints one JSON line: seconds per epoch (the best of `repeats`).
Each row solves (YtY + lam I + Y_u^T diag(c_u - 1) Y_u) x = Y_u^T c_u with np.linalg.solve (LAPACK),
the gramian by one matrix product (BLAS-3): the exact (Cholesky-class) variant of mfwasm's cgSteps 0.
"""
import json
import sys
import time

import numpy as np

path, rank, alpha, lam, repeats = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
with open(path, "rb") as f:
    rows, cols, count = np.fromfile(f, np.int32, 3)
    r = np.fromfile(f, np.int32, count)
    c = np.fromfile(f, np.int32, count)
    v = np.fromfile(f, np.float64, count)


def csr(major, minor, n):
    order = np.lexsort((minor, major))
    start = np.zeros(n + 1, np.int64)
    np.add.at(start, major + 1, 1)
    return np.cumsum(start), minor[order], v[order]


by_row = csr(r, c, rows)
by_col = csr(c, r, cols)
rng = np.random.default_rng(1)
W = rng.random((rows, rank)) * 0.1
H = rng.random((cols, rank)) * 0.1


def half(fixed, solved, structure):
    start, index, values = structure
    gram = fixed.T @ fixed + lam * np.eye(rank)
    for u in range(solved.shape[0]):
        a, b = start[u], start[u + 1]
        if a == b:
            solved[u] = 0
            continue
        Y = fixed[index[a:b]]
        conf = alpha * values[a:b]
        A = gram + (Y.T * conf) @ Y
        solved[u] = np.linalg.solve(A, Y.T @ (1 + conf))


best = float("inf")
for _ in range(repeats):
    started = time.perf_counter()
    half(H, W, by_row)
    half(W, H, by_col)
    best = min(best, time.perf_counter() - started)
print(json.dumps({"secondsPerEpoch": best}))
