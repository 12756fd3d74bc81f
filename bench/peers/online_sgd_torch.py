"""Online SGD for f(x) = (1/N) sum_i a_i relu(<w_i, x>) in PyTorch, the loop meanfield's
onlineSgd runs: a fresh batch x ~ N(0, I_d) each step, labels y = relu(<q, x>) from a fixed unit
teacher direction q, loss 1/(2B) sum_b (f_b - y_b)^2, both layers moved by SGD at the mean-field
rate (velocity -N grad, so the learning rate is N times the step size). Gradients by autograd,
one thread. Served over stdin/stdout by protocol.py."""
from protocol import parse_args, serve

import torch  # noqa: E402  (protocol pins the thread count first)

torch.set_num_threads(1)


def main() -> None:
    d, n, b, precision, step_size, seed = parse_args()
    dtype = {"f64": torch.float64, "f32": torch.float32}[precision]
    g = torch.Generator().manual_seed(seed)
    q = torch.randn(d, generator=g, dtype=dtype)
    q /= q.norm()
    w = (torch.randn(n, d, generator=g, dtype=dtype) / d**0.5).requires_grad_()
    a = torch.randn(n, generator=g, dtype=dtype).requires_grad_()
    lr = step_size * n

    def step() -> float:
        x = torch.randn(b, d, generator=g, dtype=dtype)
        y = torch.relu(x @ q)
        f = torch.relu(x @ w.T) @ a / n
        loss = 0.5 * ((f - y) ** 2).mean()
        gw, ga = torch.autograd.grad(loss, (w, a))
        with torch.no_grad():
            w.sub_(lr * gw)
            a.sub_(lr * ga)
        return loss.item()

    serve(step, b)


if __name__ == "__main__":
    main()
