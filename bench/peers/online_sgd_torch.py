"""Online SGD for f(x) = (1/N) sum_i a_i relu(<w_i, x>) in PyTorch, the loop meanfield's
onlineSgd runs: a fresh batch x ~ N(0, I_d) each step, labels y = relu(<q, x>) from a fixed unit
teacher direction q, loss 1/(2B) sum_b (f_b - y_b)^2, both layers moved by SGD at the mean-field
rate (velocity -N grad, so the learning rate is N times the step size).

Three variants (argv VARIANT): "autograd", gradients by torch.autograd as most users write it;
"manual", the backward pass written out by hand into tensors allocated once (out= everywhere), as
a user tuning the loop would; and "master" (float32 only), "manual" under meanfield's f32
contract, as mixed-precision training runs it: float64 master weights, narrowed into the float32
tensors at the start of each step for float32 products, and updated in float64 (an update below
float32's epsilon relative to w is not lost). Served over stdin/stdout by protocol.py."""
from protocol import parse_args, serve

import torch  # noqa: E402  (protocol pins the thread count first)


def autograd_step(d, n, b, dtype, lr, g, q, w, a):
    w.requires_grad_()
    a.requires_grad_()

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

    return step


def hand_gradients(d, n, b, dtype, g, q):
    """One step's batch, loss and gradients written out by hand into tensors allocated once: a
    function of (w, a) returning the loss, with the gradients left in grad_w and grad_a."""
    inv_n, inv_b = 1.0 / n, 1.0 / b
    new = lambda *shape: torch.empty(*shape, dtype=dtype)  # noqa: E731
    x, y, f, e = new(b, d), new(b), new(b), new(b)
    z, h, gz = new(b, n), new(b, n), new(b, n)
    mask = torch.empty(b, n, dtype=torch.bool)
    a_scaled, grad_a, grad_w = new(n), new(n), new(n, d)

    def gradients(w, a) -> float:
        torch.randn(b, d, generator=g, dtype=dtype, out=x)
        torch.mv(x, q, out=y)
        y.clamp_(min=0)
        torch.mm(x, w.t(), out=z)
        torch.clamp(z, min=0, out=h)
        torch.mv(h, a, out=f)
        f.mul_(inv_n)
        torch.sub(f, y, out=e)
        loss = 0.5 * float(torch.dot(e, e)) * inv_b
        e.mul_(inv_b)
        torch.mv(h.t(), e, out=grad_a)
        torch.mul(a, inv_n, out=a_scaled)
        torch.outer(e, a_scaled, out=gz)
        torch.gt(z, 0, out=mask)
        gz.mul_(mask)
        torch.mm(gz.t(), x, out=grad_w)
        return loss

    return gradients, grad_w, grad_a


def manual_step(d, n, b, dtype, lr, g, q, w, a):
    gradients, grad_w, grad_a = hand_gradients(d, n, b, dtype, g, q)

    @torch.no_grad()
    def step() -> float:
        loss = gradients(w, a)
        w.add_(grad_w, alpha=-lr)
        a.add_(grad_a, alpha=-lr / n)
        return loss

    return step


def master_step(d, n, b, dtype, lr, g, q, w, a):
    gradients, grad_w, grad_a = hand_gradients(d, n, b, dtype, g, q)
    w64, a64 = w.double(), a.double()

    @torch.no_grad()
    def step() -> float:
        w.copy_(w64)
        a.copy_(a64)
        loss = gradients(w, a)
        w64.add_(grad_w, alpha=-lr)
        a64.add_(grad_a, alpha=-lr / n)
        return loss

    return step


def main() -> None:
    d, n, b, precision, step_size, seed, threads, variant = parse_args()
    torch.set_num_threads(threads)
    dtype = {"f64": torch.float64, "f32": torch.float32}[precision]
    g = torch.Generator().manual_seed(seed)
    q = torch.randn(d, generator=g, dtype=dtype)
    q /= q.norm()
    w = torch.randn(n, d, generator=g, dtype=dtype) / d**0.5
    a = torch.randn(n, generator=g, dtype=dtype)
    if variant == "master" and precision != "f32":
        raise SystemExit("online_sgd_torch.py: variant master needs precision f32 (float64 master weights)")
    make = {"autograd": autograd_step, "manual": manual_step, "master": master_step}[variant]
    serve(make(d, n, b, dtype, step_size * n, g, q, w, a), b)


if __name__ == "__main__":
    main()
