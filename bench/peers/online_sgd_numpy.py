"""The online-SGD loop of online_sgd_torch.py in NumPy, gradients written out by hand into
arrays allocated once (every product writes through out=, as a user tuning the loop would):
z = x w^T, f = relu(z) a / N, e = (f - y) / B, grad_a = relu(z)^T e / N,
grad_w = ((e a^T / N) * 1[z > 0])^T x. Served over stdin/stdout by protocol.py."""
from protocol import parse_args, serve

import numpy as np  # noqa: E402  (protocol pins the thread count first)


def main() -> None:
    d, n, b, precision, step_size, seed, _threads, _variant = parse_args()
    dtype = {"f64": np.float64, "f32": np.float32}[precision]
    rng = np.random.default_rng(seed)
    q = rng.standard_normal(d, dtype=dtype)
    q /= np.linalg.norm(q)
    w = rng.standard_normal((n, d), dtype=dtype) / dtype(d**0.5)
    a = rng.standard_normal(n, dtype=dtype)
    lr = dtype(step_size * n)
    inv_n = dtype(1 / n)
    inv_b = dtype(1 / b)
    x = np.empty((b, d), dtype)
    y = np.empty(b, dtype)
    z = np.empty((b, n), dtype)
    h = np.empty((b, n), dtype)
    mask = np.empty((b, n), bool)
    f = np.empty(b, dtype)
    e = np.empty(b, dtype)
    a_scaled = np.empty(n, dtype)
    gz = np.empty((b, n), dtype)
    grad_a = np.empty(n, dtype)
    grad_w = np.empty((n, d), dtype)

    def step() -> float:
        rng.standard_normal(out=x, dtype=dtype)
        np.matmul(x, q, out=y)
        np.maximum(y, 0, out=y)
        np.matmul(x, w.T, out=z)
        np.maximum(z, 0, out=h)
        np.matmul(h, a, out=f)
        np.multiply(f, inv_n, out=f)
        np.subtract(f, y, out=e)
        loss = 0.5 * float(np.dot(e, e)) / b
        np.multiply(e, inv_b, out=e)
        np.matmul(h.T, e, out=grad_a)
        np.multiply(grad_a, inv_n * lr, out=grad_a)
        np.multiply(a, inv_n, out=a_scaled)
        np.multiply(e[:, None], a_scaled[None, :], out=gz)
        np.greater(z, 0, out=mask)
        np.multiply(gz, mask, out=gz)
        np.matmul(gz.T, x, out=grad_w)
        np.multiply(grad_w, lr, out=grad_w)
        np.subtract(w, grad_w, out=w)
        np.subtract(a, grad_a, out=a)
        return loss

    serve(step, b)


if __name__ == "__main__":
    main()
