# The notebook's own loop (shared seed), with the loss of every epoch kept as factorize keeps it, timed
# over `epochs` epochs on the 5x6 problem given in a JSON file. Prints seconds per epoch and the last loss.
#   python3 bench/seed_reference.py problem.json epochs
import json
import sys
import time

import numpy as np

problem = json.load(open(sys.argv[1]))
epochs = int(sys.argv[2])
M, N, K = problem["rows"], problem["cols"], problem["rank"]
X = np.nan_to_num(np.array(problem["X"], dtype=float).reshape(M, N))
Mask = ~np.isnan(np.array(problem["X"], dtype=float).reshape(M, N))
W = np.array(problem["W"], dtype=float).reshape(M, K)
H = np.array(problem["H"], dtype=float).reshape(K, N)
eta = problem["learningRate"]
losses = np.empty(epochs)
started = time.perf_counter()
for i in range(epochs):
    dW = -(Mask * (X - W.dot(H))).dot(H.T)
    W = W - eta * dW
    dH = -W.T.dot((Mask * (X - W.dot(H))))
    H = H - eta * dH
    losses[i] = 0.5 * np.sum((Mask * (X - W.dot(H))) ** 2)
seconds = time.perf_counter() - started
print(json.dumps({"secondsPerEpoch": seconds / epochs, "lastLoss": losses[-1]}))
