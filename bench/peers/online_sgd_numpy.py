"""The online-SGD loop of online_sgd_torch.py in NumPy, gradients written out by hand:
z = x w^T, f = relu(z) a / N, e = (f - y) / B, grad_a = relu(z)^T e / N,
grad_w = ((e a^T / N) * 1[z > 0])^T x. One thread. Served over stdin/stdout by protocol.py."""
from protocol import parse_args, serve

import numpy as np  # noqa: E402  (protocol pins the thread count first)


def main() -> None:
    d, n, b, precision, step_size, seed = parse_args()
    dtype = {"f64": np.float64, "f32": np.float32}[precision]
    rng = np.random.default_rng(seed)
    q = rng.standard_normal(d, dtype=dtype)
    q /= np.linalg.norm(q)
    w = rng.standard_normal((n, d), dtype=dtype) / dtype(d**0.5)
    a = rng.standard_normal(n, dtype=dtype)
    lr = dtype(step_size * n)
    inv_n = dtype(1 / n)

    def step() -> float:
        nonlocal w, a
        x = rng.standard_normal((b, d), dtype=dtype)
        y = np.maximum(x @ q, 0)
        z = x @ w.T
        h = np.maximum(z, 0)
        f = (h @ a) * inv_n
        e = (f - y) / dtype(b)
        grad_a = (h.T @ e) * inv_n
        gz = np.outer(e, a * inv_n)
        gz *= z > 0
        grad_w = gz.T @ x
        w -= lr * grad_w
        a -= lr * grad_a
        return 0.5 * float(np.mean((f - y) ** 2))

    serve(step, b)


if __name__ == "__main__":
    main()
