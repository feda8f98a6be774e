"""ALS on a Dask cluster with mfwasm doing the arithmetic: the same factors, bit for bit, as one
`factorize(ratings, { solver: 'als', ... })` on one machine, at any number of workers.

    python3 examples/dask/als.py ratings.txt --rank 32 --epochs 15 --workers 2 --out factors/

ratings.txt: `user item rating` lines, user and item integer indices from 0. Needs Dask's `distributed`
(Debian: apt-get install python3-distributed) and Node with this package built (npm run build).

How: each Dask worker keeps one long-lived Node process (examples/dask/solver.mjs, started by the worker's first
task, fed over its stdin and stdout) holding that worker's block of rows (CSR, columns ascending) and block of
columns (CSC, rows ascending). An epoch is two half-steps: H's columns are broadcast and every worker solves
its rows against them (mfwasm's alsHalfStep: ALS's exact row solve), the driver gathers W; then W is broadcast
and the workers solve their columns. A row's solve depends on nothing but its ratings and the fixed side, so
the blocks give what one process gives. The starting point — μ and the seeded initial factors — comes from
mfwasm itself (`factorize(..., { epochs: 0 })`, on the driver): it needs one pass over all the ratings.

Use Spark's own ALS where Spark exists (then serve its model with Factorization.fromSparkALS); this is for
teams on Dask or Ray without Spark.
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

SOLVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "solver.mjs")


class Node:
    """A solver.mjs process and its message framing (a JSON line naming buffer lengths, then the buffers)."""

    def __init__(self):
        self.process = subprocess.Popen(["node", SOLVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def call(self, header, arrays=()):
        payload = [np.ascontiguousarray(a).tobytes() for a in arrays]
        self.process.stdin.write((json.dumps({**header, "buffers": [len(p) for p in payload]}) + "\n").encode())
        for p in payload:
            self.process.stdin.write(p)
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        buffers = [self.process.stdout.read(n) for n in answer.get("buffers", [])]
        if answer.get("type") == "error":
            raise RuntimeError(f"mfwasm solver: {answer['message']}")
        return answer, buffers

    def close(self):
        self.process.stdin.close()
        self.process.wait()


def worker_node():
    """This worker's Node process, started by its first task and kept on the worker for the next ones."""
    from distributed import get_worker

    worker = get_worker()
    node = getattr(worker, "_mfwasm_node", None)
    if node is None or node.process.poll() is not None:
        node = Node()
        worker._mfwasm_node = node
    return node


def load(name, start, index, values):
    worker_node().call({"type": "load", "name": name}, [start.astype(np.int32), index.astype(np.int32), values.astype(np.float64)])
    return name


def solve(name, fixed, settings, side):
    _, (solved,) = worker_node().call({"type": "solve", "name": name, "side": side, **settings}, [fixed])
    return np.frombuffer(solved, dtype=np.float64)


def compressed(major, minor, values, count):
    """CSR over `major` (CSC with the roles swapped): entries sorted by major then minor, and the starts."""
    order = np.lexsort((minor, major))
    start = np.zeros(count + 1, dtype=np.int64)
    np.add.at(start, major + 1, 1)
    return np.cumsum(start).astype(np.int32), minor[order].astype(np.int32), values[order].astype(np.float64)


def blocks(start, parts):
    """Contiguous ranges of rows with about as many ratings each."""
    total = start[-1]
    cuts = [0] + [int(np.searchsorted(start, total * k / parts)) for k in range(1, parts)] + [len(start) - 1]
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ratings")
    parser.add_argument("--rank", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--regularization", type=float, default=0.1)
    parser.add_argument("--biases", action="store_true")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", required=True, help="folder for W.f64 (rows×width) and H.f64 (cols×width), float64")
    args = parser.parse_args()

    from distributed import Client, LocalCluster

    data = np.loadtxt(args.ratings, dtype=np.float64, ndmin=2)
    users, items, values = data[:, 0].astype(np.int64), data[:, 1].astype(np.int64), data[:, 2]
    rows, cols = int(users.max()) + 1, int(items.max()) + 1
    row_start, row_cols, row_values = compressed(users, items, values, rows)
    col_start, col_rows, col_values = compressed(items, users, values, cols)

    # The starting point, exactly as factorize() makes it: μ and the seeded initial H.
    driver = Node()
    init, (h0,) = driver.call(
        {"type": "init", "rows": rows, "cols": cols, "rank": args.rank, "biases": args.biases, "regularization": args.regularization, "seed": args.seed},
        [users.astype(np.int32), items.astype(np.int32), values],
    )
    driver.close()
    width = init["width"]
    settings = {"rank": args.rank, "biases": args.biases, "regularization": args.regularization, "offset": init["offset"]}
    H = np.frombuffer(h0, dtype=np.float64).copy()

    cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None)
    client = Client(cluster)
    try:
        workers = sorted(client.scheduler_info()["workers"])
        row_blocks, col_blocks = blocks(row_start, len(workers)), blocks(col_start, len(workers))
        loads = []
        for k, ((r0, r1), (c0, c1)) in enumerate(zip(row_blocks, col_blocks)):
            where = [workers[k % len(workers)]]
            rs = row_start[r0 : r1 + 1]
            cs = col_start[c0 : c1 + 1]
            loads.append(client.submit(load, f"rows{k}", rs - rs[0], row_cols[rs[0] : rs[-1]], row_values[rs[0] : rs[-1]], workers=where, pure=False))
            loads.append(client.submit(load, f"cols{k}", cs - cs[0], col_rows[cs[0] : cs[-1]], col_values[cs[0] : cs[-1]], workers=where, pure=False))
        client.gather(loads)
        times = []
        for epoch in range(args.epochs):
            started = time.perf_counter()
            fixed = client.scatter(H, broadcast=True)
            W = np.concatenate(client.gather([client.submit(solve, f"rows{k}", fixed, settings, "row", workers=[workers[k % len(workers)]], pure=False) for k in range(len(row_blocks))]))
            fixed = client.scatter(W, broadcast=True)
            H = np.concatenate(client.gather([client.submit(solve, f"cols{k}", fixed, settings, "col", workers=[workers[k % len(workers)]], pure=False) for k in range(len(col_blocks))]))
            times.append(time.perf_counter() - started)
        os.makedirs(args.out, exist_ok=True)
        W.astype(np.float64).tofile(os.path.join(args.out, "W.f64"))
        H.astype(np.float64).tofile(os.path.join(args.out, "H.f64"))
        json.dump({"rows": rows, "cols": cols, "width": width, "epochSeconds": times}, open(os.path.join(args.out, "meta.json"), "w"))
        print(f"{len(values)} ratings, {rows} × {cols}, rank {args.rank}: {args.epochs} epochs on {len(workers)} Dask workers, "
              f"{np.median(times) if times else 0:.3f} s an epoch (median)", file=sys.stderr)
    finally:
        client.close()
        cluster.close()


if __name__ == "__main__":
    main()
