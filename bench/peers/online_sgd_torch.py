"""Online SGD for f(x) = (1/N) sum_i a_i relu(<w_i, x>) in PyTorch: a fresh Gaussian batch each
step, labels from a fixed teacher network of the same form, loss 1/(2B) sum_b (f_b - y_b)^2,
both layers updated by plain SGD with the mean-field rate (velocity -N grad). One thread.

Usage: online_sgd_torch.py D N B DTYPE SECONDS -> prints one JSON line
{"steps": ..., "seconds": ..., "samplesPerSecond": ..., "finalLoss": ...}.
Timed: whole steps (sampling, teacher labels, forward, backward, update), after warm-up."""
import json
import os
import sys
import time

for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[var] = "1"

import torch  # noqa: E402

torch.set_num_threads(1)


def main() -> None:
    d, n, b = (int(v) for v in sys.argv[1:4])
    dtype = {"f64": torch.float64, "f32": torch.float32}[sys.argv[4]]
    seconds = float(sys.argv[5])
    g = torch.Generator().manual_seed(2024)
    teacher_w = torch.randn(4, d, generator=g, dtype=dtype) / d**0.5
    teacher_a = torch.ones(4, dtype=dtype)
    w = (torch.randn(n, d, generator=g, dtype=dtype) / d**0.5).requires_grad_()
    a = torch.randn(n, generator=g, dtype=dtype).requires_grad_()
    lr = 0.05 * n

    def step() -> float:
        x = torch.randn(b, d, generator=g, dtype=dtype)
        with torch.no_grad():
            y = torch.relu(x @ teacher_w.T) @ teacher_a / 4
        f = torch.relu(x @ w.T) @ a / n
        loss = 0.5 * ((f - y) ** 2).mean()
        gw, ga = torch.autograd.grad(loss, (w, a))
        with torch.no_grad():
            w.sub_(lr * gw)
            a.sub_(lr * ga)
        return loss

    for _ in range(20):
        step()
    steps = 0
    start = time.perf_counter()
    while True:
        loss = step()
        steps += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            break
    print(json.dumps({"steps": steps, "seconds": elapsed, "samplesPerSecond": steps * b / elapsed, "finalLoss": float(loss)}))


if __name__ == "__main__":
    main()
