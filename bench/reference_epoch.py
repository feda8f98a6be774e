"""Per-epoch time of the seed's gradient descent in numpy (dense, the notebook's own code) or
scipy.sparse (the same epoch on the observed entries), on the problem bench/run.mjs wrote.

    python3 bench/reference_epoch.py <folder> numpy|scipy

<folder> holds meta.json ({rows, cols, rank, learningRate}), X.f64 (rows*cols float64, NaN = missing),
W.f64 and H.f64. Prints one JSON line: seconds per epoch and the loss after 3 epochs (to check agreement).
"""
import json
import sys
import time

import numpy as np


def main():
    folder, implementation = sys.argv[1], sys.argv[2]
    meta = json.load(open(f"{folder}/meta.json"))
    M, N, K, eta = meta["rows"], meta["cols"], meta["rank"], meta["learningRate"]
    X = np.fromfile(f"{folder}/X.f64").reshape(M, N)
    W0 = np.fromfile(f"{folder}/W.f64").reshape(M, K)
    H0 = np.fromfile(f"{folder}/H.f64").reshape(K, N)
    Mask = ~np.isnan(X)
    X = np.where(Mask, X, 0.0)

    if implementation == "numpy":
        def epoch(W, H):
            # The notebook's loop body, verbatim.
            dW = -(Mask * (X - W.dot(H))).dot(H.T)
            W = W - eta * dW
            dH = -W.T.dot((Mask * (X - W.dot(H))))
            H = H - eta * dH
            return W, H

        def loss(W, H):
            return 0.5 * np.sum((Mask * (X - W.dot(H))) ** 2)
    else:
        import scipy.sparse as sp
        I, J = np.nonzero(Mask)
        x = X[I, J]

        def residual(W, H):
            r = x - np.einsum("pk,kp->p", W[I], H[:, J])
            return sp.csr_matrix((r, (I, J)), shape=(M, N))

        def epoch(W, H):
            W = W + eta * (residual(W, H) @ H.T)
            H = H + eta * (residual(W, H).T @ W).T
            return W, H

        def loss(W, H):
            return 0.5 * residual(W, H).power(2).sum()

    W, H = W0.copy(), H0.copy()
    for _ in range(3):
        W, H = epoch(W, H)
    loss_after_3 = float(loss(W, H))
    # Repeat for at least a second, after a warm-up, as benchmark.js does for the JS side.
    W, H = epoch(W0.copy(), H0.copy())
    runs, started = 0, time.perf_counter()
    while True:
        W, H = epoch(W, H)
        runs += 1
        elapsed = time.perf_counter() - started
        if elapsed >= 1.0 and runs >= 5:
            break
    print(json.dumps({"secondsPerEpoch": elapsed / runs, "lossAfter3": loss_after_3, "runs": runs}))


if __name__ == "__main__":
    main()
