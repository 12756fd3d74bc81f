// The native C column of bench/network.bench.ts: the forward and backward passes of
// assembly/network.ts for the ReLU activation and mean-field scale 1/N, with the same sample
// blocks and register tiles, in plain scalar C left to gcc -O3 -march=native to vectorize.
// The forward tile sums each dot product in order, as the no-SIMD Wasm build does. Written
// with the SIMD build's two partial sums (even and odd k) instead, it is 15-30% slower:
// gcc 12 -O3 vectorizes the k loop with in-order reductions, since it may not reassociate.
// The backward tile holds all 4 x 4 sums in registers, as the SIMD build does, and gcc
// vectorizes it well.
//
// Usage: network D N B INPUT OUTPUT
//   INPUT holds x (B x D), w (N x D), a (N), r (B) as native-endian f64.
//   OUTPUT receives f (B), gradW (N x D), gradA (N), from one untimed pass, for the caller
//   to check against the Wasm kernels.
// Then prints {"iterations": k, "seconds": t}, t in seconds per forward + backward.

// clock_gettime is POSIX, hidden by a strict -std=c11.
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

// Samples per block: about 16 KiB of x, at least 2, at most 64, even.
static int sample_block(int d) {
  int bs = 2048 / d;
  if (bs < 2) bs = 2;
  if (bs > 64) bs = 64;
  return bs & ~1;
}

static double relu(double z) { return z > 0 ? z : 0.0; }

static double relu_derivative(double z) { return z > 0 ? 1.0 : 0.0; }

// z[s][j] = <x_s, w_j> for 2 samples and 4 neurons, one accumulator per dot product.
static void dot2x4(const double *x0, const double *x1, const double *w0, int d, double *z0, double *z1) {
  const double *w1 = w0 + d, *w2 = w1 + d, *w3 = w2 + d;
  double s00 = 0, s01 = 0, s02 = 0, s03 = 0;
  double s10 = 0, s11 = 0, s12 = 0, s13 = 0;
  for (int k = 0; k < d; k++) {
    const double u0 = x0[k], u1 = x1[k];
    s00 += u0 * w0[k]; s01 += u0 * w1[k]; s02 += u0 * w2[k]; s03 += u0 * w3[k];
    s10 += u1 * w0[k]; s11 += u1 * w1[k]; s12 += u1 * w2[k]; s13 += u1 * w3[k];
  }
  z0[0] = s00; z0[1] = s01; z0[2] = s02; z0[3] = s03;
  z1[0] = s10; z1[1] = s11; z1[2] = s12; z1[3] = s13;
}

static double dot(const double *u, const double *v, int d) {
  double s = 0.0;
  for (int k = 0; k < d; k++) s += u[k] * v[k];
  return s;
}

static void preactivation_block(const double *x, const double *w, int n, int d, int s0, int s1, double *z) {
  const int n4 = n & ~3;
  int s = s0;
  for (; s + 2 <= s1; s += 2) {
    const double *x0 = x + (size_t)s * d;
    const double *x1 = x0 + d;
    double *z0 = z + (size_t)s * n;
    double *z1 = z0 + n;
    int i = 0;
    for (; i < n4; i += 4) dot2x4(x0, x1, w + (size_t)i * d, d, z0 + i, z1 + i);
    for (; i < n; i++) {
      z0[i] = dot(x0, w + (size_t)i * d, d);
      z1[i] = dot(x1, w + (size_t)i * d, d);
    }
  }
  if (s < s1) {
    const double *x0 = x + (size_t)s * d;
    double *z0 = z + (size_t)s * n;
    for (int i = 0; i < n; i++) z0[i] = dot(x0, w + (size_t)i * d, d);
  }
}

static double row_dot(const double *z, const double *a, int n) {
  double acc[2] = {0.0, 0.0};
  int i = 0;
  for (; i + 2 <= n; i += 2) {
    acc[0] += a[i] * relu(z[i]);
    acc[1] += a[i + 1] * relu(z[i + 1]);
  }
  double total = acc[0] + acc[1];
  if (i < n) total += a[i] * relu(z[i]);
  return total;
}

static void forward(const double *x, const double *w, const double *a, int n, int d, int b, double scale,
                    double *z, double *f) {
  const int bs = sample_block(d);
  for (int s0 = 0; s0 < b; s0 += bs) {
    const int s1 = s0 + bs < b ? s0 + bs : b;
    preactivation_block(x, w, n, d, s0, s1, z);
    for (int s = s0; s < s1; s++) f[s] = scale * row_dot(z + (size_t)s * n, a, n);
  }
}

// gradW[j][k] += sum_s g[s][j] x[s][k] for a 4-neuron x 4-coordinate tile held in registers.
static void accumulate4x4(const double *g, const double *x, double *gw, int s0, int s1, int n, int d) {
  double c[4][4];
  for (int j = 0; j < 4; j++)
    for (int k = 0; k < 4; k++) c[j][k] = gw[(size_t)j * d + k];
  for (int s = s0; s < s1; s++) {
    const double *gs = g + (size_t)s * n;
    const double *xs = x + (size_t)s * d;
    for (int j = 0; j < 4; j++)
      for (int k = 0; k < 4; k++) c[j][k] += gs[j] * xs[k];
  }
  for (int j = 0; j < 4; j++)
    for (int k = 0; k < 4; k++) gw[(size_t)j * d + k] = c[j][k];
}

static void accumulate1x1(const double *g, const double *x, double *gw, int s0, int s1, int n, int d) {
  double c = *gw;
  for (int s = s0; s < s1; s++) c += g[(size_t)s * n] * x[(size_t)s * d];
  *gw = c;
}

static void accumulate_block(const double *g, const double *x, int n, int d, int s0, int s1, double *grad_w) {
  const int n4 = n & ~3;
  const int d4 = d & ~3;
  int i = 0;
  for (; i < n4; i += 4) {
    double *gw = grad_w + (size_t)i * d;
    for (int k = 0; k < d4; k += 4) accumulate4x4(g + i, x + k, gw + k, s0, s1, n, d);
    for (int j = 0; j < 4; j++)
      for (int k = d4; k < d; k++) accumulate1x1(g + i + j, x + k, gw + (size_t)j * d + k, s0, s1, n, d);
  }
  for (; i < n; i++)
    for (int k = 0; k < d; k++) accumulate1x1(g + i, x + k, grad_w + (size_t)i * d + k, s0, s1, n, d);
}

static void backward(const double *x, const double *a, int n, int d, int b, double scale, const double *z,
                     const double *r, double *g, double *grad_w, double *grad_a) {
  memset(grad_w, 0, sizeof(double) * (size_t)n * d);
  memset(grad_a, 0, sizeof(double) * (size_t)n);
  const int bs = sample_block(d);
  for (int s0 = 0; s0 < b; s0 += bs) {
    const int s1 = s0 + bs < b ? s0 + bs : b;
    for (int s = s0; s < s1; s++) {
      const double coef = scale * r[s];
      const double *zs = z + (size_t)s * n;
      double *gs = g + (size_t)s * n;
      for (int i = 0; i < n; i++) {
        grad_a[i] += coef * relu(zs[i]);
        gs[i] = coef * a[i] * relu_derivative(zs[i]);
      }
    }
    accumulate_block(g, x, n, d, s0, s1, grad_w);
  }
}

static void fail(const char *what, const char *detail) {
  fprintf(stderr, "network: %s %s\n", what, detail);
  exit(1);
}

// Cache-line aligned, as the Wasm arena allocates.
static double *array(size_t length) {
  double *p = aligned_alloc(64, (length * sizeof(double) + 63) / 64 * 64);
  if (!p) fail("out of memory", "");
  return p;
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv) {
  if (argc != 6) fail("usage:", "network D N B INPUT OUTPUT");
  const int d = atoi(argv[1]), n = atoi(argv[2]), b = atoi(argv[3]);
  if (d <= 0 || n <= 0 || b <= 0) fail("D, N and B must be positive integers", "");
  const double scale = 1.0 / n;
  double *x = array((size_t)b * d), *w = array((size_t)n * d), *a = array(n), *r = array(b);
  double *z = array((size_t)b * n), *g = array((size_t)b * n), *f = array(b);
  double *grad_w = array((size_t)n * d), *grad_a = array(n);

  FILE *in = fopen(argv[4], "rb");
  if (!in) fail("cannot open", argv[4]);
  if (fread(x, sizeof(double), (size_t)b * d, in) != (size_t)b * d ||
      fread(w, sizeof(double), (size_t)n * d, in) != (size_t)n * d ||
      fread(a, sizeof(double), n, in) != (size_t)n ||
      fread(r, sizeof(double), b, in) != (size_t)b)
    fail("input too short:", argv[4]);
  fclose(in);

  forward(x, w, a, n, d, b, scale, z, f);
  backward(x, a, n, d, b, scale, z, r, g, grad_w, grad_a);
  FILE *out = fopen(argv[5], "wb");
  if (!out) fail("cannot open", argv[5]);
  if (fwrite(f, sizeof(double), b, out) != (size_t)b ||
      fwrite(grad_w, sizeof(double), (size_t)n * d, out) != (size_t)n * d ||
      fwrite(grad_a, sizeof(double), n, out) != (size_t)n || fclose(out) != 0)
    fail("cannot write", argv[5]);

  // Warm up caches, page mappings and clock frequency before measuring.
  const double warm = now();
  while (now() - warm < 0.25) {
    forward(x, w, a, n, d, b, scale, z, f);
    backward(x, a, n, d, b, scale, z, r, g, grad_w, grad_a);
  }
  long iterations = 0;
  double elapsed;
  const double start = now();
  do {
    forward(x, w, a, n, d, b, scale, z, f);
    backward(x, a, n, d, b, scale, z, r, g, grad_w, grad_a);
    iterations++;
    elapsed = now() - start;
  } while (elapsed < 1.0);
  printf("{\"iterations\": %ld, \"seconds\": %.9g}\n", iterations, elapsed / (double)iterations);
  return 0;
}
