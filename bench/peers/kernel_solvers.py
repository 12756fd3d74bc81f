"""The NumPy/SciPy peer of bench/kernels.bench.ts: the two dense kernels of the kernel solvers at
the bench's sizes, as a SciPy user on OpenBLAS would run them, one thread (protocol.py pins it):
  cholesky  scipy.linalg.cholesky of an n x n SPD matrix (n I + a symmetric matrix with entries in
            [-1/2, 1/2], diagonally dominant), in place, without the finiteness check
  normal    Phi^T Phi for rows x p features, streamed in blocks of 20000 rows into one p x p
            matrix by dsyrk (the triangle only, as meanfield's accumulateNormal)
Prints one JSON line: {"blas", "cholesky": {"n", "seconds", "cpuSeconds"}, "normal": {...}}, the
fastest of REPEATS runs each.

argv: N ROWS P"""
import json
import sys
import time

import protocol  # noqa: F401  (pins the thread count before numpy loads)
import numpy as np
from scipy.linalg import cholesky
from scipy.linalg.blas import dsyrk

REPEATS = 2
BLOCK = 20000


def timed(run):
    best = (float("inf"), float("inf"))
    for _ in range(REPEATS):
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        best = min(best, (time.perf_counter() - wall, time.process_time() - cpu))
    return {"seconds": best[0], "cpuSeconds": best[1]}


def main():
    n, rows, p = (int(v) for v in sys.argv[1:4])
    rng = np.random.default_rng(0)
    s = rng.uniform(-0.5, 0.5, size=(n, n))
    spd = (s + s.T) / 2 + n * np.eye(n)
    work = np.empty_like(spd, order="F")

    def factor():
        work[...] = spd
        cholesky(work, lower=True, overwrite_a=True, check_finite=False)

    chol = {"n": n, **timed(factor)}
    phi = np.asfortranarray(rng.standard_normal((BLOCK, p)))

    def normal():
        c = np.zeros((p, p), order="F")
        for start in range(0, rows, BLOCK):
            c = dsyrk(1.0, phi[: min(BLOCK, rows - start)], beta=1.0, c=c, trans=1, overwrite_c=1)

    print(json.dumps({"blas": protocol.loaded_blas(), "cholesky": chol, "normal": {"rows": rows, "p": p, **timed(normal)}}))


main()
