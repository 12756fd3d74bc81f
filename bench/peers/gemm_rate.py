# GFLOP/s (process CPU time, best of 7) of the two GEMM-shaped products of one forward + backward pass
# at (d, N, B) = (1000, 4096, 512) in PyTorch on one thread: the native rate the Wasm kernels are
# compared with in the README. Run with Debian's python: /usr/bin/python3 bench/peers/gemm_rate.py
# (unset any OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE first, as bench:peers does for its peers, so that
# OpenBLAS picks its kernels by its own CPU detection)
import time, torch
torch.set_num_threads(1)
d, n, b = 1000, 4096, 512
for dt in (torch.float64, torch.float32):
    x = torch.randn(b, d, dtype=dt); w = torch.randn(n, d, dtype=dt); g = torch.randn(b, n, dtype=dt)
    z = torch.empty(b, n, dtype=dt); gw = torch.empty(n, d, dtype=dt)
    best = 1e9
    for _ in range(7):
        t0 = time.process_time()
        torch.mm(x, w.t(), out=z); torch.mm(g.t(), x, out=gw)
        best = min(best, time.process_time() - t0)
    print(dt, "forward+backward GEMMs", round(4 * b * n * d / best / 1e9, 1), "GFLOP/s")
print(torch.__config__.show().split("\n")[:3])
