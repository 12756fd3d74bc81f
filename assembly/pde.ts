// Finite-volume kernels for a 1-D continuity equation d_t rho + d_x(rho v) = 0 on n cells whose
// velocity is a combination of fixed face tables, v(x_f) = sum_j c_j T_j(x_f), and whose
// coefficients c_j depend on rho only through moments sum_i rho_i W_j[i] (src/pde/finiteVolume.ts
// builds the tables once; every reduced mean-field PDE of src/pde has this form).
//
// Layout (f64, byte pointers):
//   rho, base, out   n cell averages
//   moment table     count x n, row j = W_j[i] (the integral of phi_j over cell i)
//   velocity table   count x (n+1), row j = T_j at faces 0..n
//   geometry         4 x n: 1/width, then the limiter factors gm, gp, gc (src/pde/grid.ts)
// The scalar path (ASC_FEATURE_SIMD off) runs the same sweep one cell at a time with the same
// operations per cell, and the moments sum in the same two lanes, so both builds give the same
// bits. min/max are the pseudo-min/max (one instruction each, unlike IEEE min);
// no NaN reaches them. Nothing here allocates.

@inline function hsum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** sum_i rho[i] row[i] over cells [from, n), the scalar tail of pdeMoments. */
@inline function dotTail(rho: usize, row: usize, from: usize, end: usize): f64 {
  let s: f64 = 0.0;
  for (let k = from; k < end; k += 8) s += load<f64>(rho + k) * load<f64>(row + k);
  return s;
}

/**
 * out[j] = sum_i rho[i] * table[j * n + i] for j < count. The SIMD path takes four rows per pass
 * over rho, so each pair of cell averages is loaded once for four moments.
 */
export function pdeMoments(rho: usize, table: usize, n: i32, count: i32, out: usize): void {
  const rowBytes = <usize>n << 3;
  const even = <usize>(n & ~1) << 3;
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    for (; j + 4 <= count; j += 4) {
      const r0 = table + <usize>j * rowBytes;
      const r1 = r0 + rowBytes;
      const r2 = r1 + rowBytes;
      const r3 = r2 + rowBytes;
      let a0 = f64x2.splat(0.0);
      let a1 = f64x2.splat(0.0);
      let a2 = f64x2.splat(0.0);
      let a3 = f64x2.splat(0.0);
      for (let k: usize = 0; k < even; k += 16) {
        const r = v128.load(rho + k);
        a0 = f64x2.add(a0, f64x2.mul(r, v128.load(r0 + k)));
        a1 = f64x2.add(a1, f64x2.mul(r, v128.load(r1 + k)));
        a2 = f64x2.add(a2, f64x2.mul(r, v128.load(r2 + k)));
        a3 = f64x2.add(a3, f64x2.mul(r, v128.load(r3 + k)));
      }
      const o = out + (<usize>j << 3);
      store<f64>(o, hsum(a0) + dotTail(rho, r0, even, rowBytes));
      store<f64>(o, hsum(a1) + dotTail(rho, r1, even, rowBytes), 8);
      store<f64>(o, hsum(a2) + dotTail(rho, r2, even, rowBytes), 16);
      store<f64>(o, hsum(a3) + dotTail(rho, r3, even, rowBytes), 24);
    }
    for (; j < count; j++) {
      const row = table + <usize>j * rowBytes;
      let acc = f64x2.splat(0.0);
      for (let k: usize = 0; k < even; k += 16) acc = f64x2.add(acc, f64x2.mul(v128.load(rho + k), v128.load(row + k)));
      store<f64>(out + (<usize>j << 3), hsum(acc) + dotTail(rho, row, even, rowBytes));
    }
  }
  // Two interleaved partial sums, as the SIMD lanes.
  for (; j < count; j++) {
    const row = table + <usize>j * rowBytes;
    let s0: f64 = 0.0;
    let s1: f64 = 0.0;
    for (let k: usize = 0; k < even; k += 16) {
      s0 += load<f64>(rho + k) * load<f64>(row + k);
      s1 += load<f64>(rho + k, 8) * load<f64>(row + k, 8);
    }
    store<f64>(out + (<usize>j << 3), s0 + s1 + dotTail(rho, row, even, rowBytes));
  }
}

/**
 * The offset a = minmod(gm * dm, gp * dp, gc * (dm + dp)) of the linear reconstruction's face
 * values rho +- a, capped at |a| <= rho so both face values stay >= 0; dm, dp are the jumps to
 * the left and right neighbours. Zero unless dm and dp share a sign (an extremum is kept flat).
 */
@inline function limitedOffset(rho: f64, dm: f64, dp: f64, gm: f64, gp: f64, gc: f64): f64 {
  if (!(dm * dp > 0.0)) return 0.0;
  let m = Math.min(Math.abs(gm * dm), Math.abs(gp * dp));
  m = Math.min(m, Math.min(Math.abs(gc * (dm + dp)), rho));
  return dm > 0.0 ? m : -m;
}

@inline function limitedOffsetPair(rho: v128, dm: v128, dp: v128, gm: v128, gp: v128, gc: v128): v128 {
  const sameSign = f64x2.gt(f64x2.mul(dm, dp), f64x2.splat(0.0));
  let m = f64x2.pmin(f64x2.abs(f64x2.mul(gm, dm)), f64x2.abs(f64x2.mul(gp, dp)));
  m = f64x2.pmin(m, f64x2.pmin(f64x2.abs(f64x2.mul(gc, f64x2.add(dm, dp))), rho));
  // m >= 0, so or-ing in dm's sign bit gives copysign(m, dm).
  const signed = v128.or(m, v128.and(dm, f64x2.splat(-0.0)));
  return v128.and(sameSign, signed);
}

/**
 * v_f = sum_{j < count} coefficients[j] * table[j * (n+1) + f] for the interior faces f = 1..n-1
 * into velocity[f]. Four faces per pass over the coefficients, so each coefficient is loaded once
 * per four faces.
 */
function faceVelocities(n: i32, table: usize, coefficients: usize, count: i32, velocity: usize): void {
  const stride = (<usize>n << 3) + 8;
  const end = <usize>n << 3;
  let f: usize = 8;
  if (ASC_FEATURE_SIMD) {
    for (; f + 32 <= end; f += 32) {
      let v0 = f64x2.splat(0.0);
      let v1 = f64x2.splat(0.0);
      let row = table + f;
      for (let j = 0; j < count; j++) {
        const c = v128.load64_splat(coefficients + (<usize>j << 3));
        v0 = f64x2.add(v0, f64x2.mul(c, v128.load(row)));
        v1 = f64x2.add(v1, f64x2.mul(c, v128.load(row, 16)));
        row += stride;
      }
      v128.store(velocity + f, v0);
      v128.store(velocity + f, v1, 16);
    }
  }
  for (; f < end; f += 8) {
    let v: f64 = 0.0;
    let row = table + f;
    for (let j = 0; j < count; j++) {
      v += load<f64>(coefficients + (<usize>j << 3)) * load<f64>(row);
      row += stride;
    }
    store<f64>(velocity + f, v);
  }
}

/**
 * One stage of a strong-stability-preserving Runge–Kutta step:
 *   out = base + (1 - beta) * (rho + dt * L(rho) - base),   L(rho)_i = (F_i - F_{i+1}) / width_i,
 * (beta * base + (1 - beta) * Euler, written so the two weights need not sum to 1 in floating point,
 * which would scale the mass by 1 + O(eps) every stage). F_f is the upwind flux at face f of the
 * limited linear reconstruction, F_0 = F_n = 0, with face velocities
 * v_f = sum_{j < count} coefficients[j] * table[j * (n+1) + f] (written to velocity[f], n + 1
 * entries of scratch). Returns the CFL rate
 * max_f |v_f| / min(width_{f-1}, width_f); the stage keeps rho >= 0 whenever dt * rate <= 1/2.
 *
 * One sweep over the cells: step i computes cell i's offset, the flux through its left face and
 * the update of cell i-1, carrying cell i's right face value and flux to step i+1. Cell i-1 is
 * written after its last read, so out may be rho or base. n >= 2.
 */
export function pdeStage(
  n: i32, rho: usize, base: usize, out: usize, beta: f64, dt: f64,
  geometry: usize, table: usize, coefficients: usize, count: i32, velocity: usize,
): f64 {
  const nb = <usize>n << 3;
  faceVelocities(n, table, coefficients, count, velocity);
  const invWidth = geometry;
  const gm = geometry + nb;
  const gp = gm + nb;
  const gc = gp + nb;
  const keep = 1.0 - beta;
  // Cell 0 is flat and nothing enters through face 0.
  let rhoPrev = load<f64>(rho);
  let rightPrev = rhoPrev;
  let fluxPrev: f64 = 0.0;
  let rate: f64 = 0.0;
  let i: i32 = 1;
  if (ASC_FEATURE_SIMD) {
    // Cells i, i+1 at a time while both have a right neighbour inside; lane 1 of the carried
    // vectors is the previous cell's.
    const zero = f64x2.splat(0.0);
    const vdt = f64x2.splat(dt);
    const vkeep = f64x2.splat(keep);
    let rightCarry = f64x2.splat(rightPrev);
    let fluxCarry = zero;
    let rates = zero;
    for (; i + 2 <= n - 1; i += 2) {
      const off = <usize>i << 3;
      const before = v128.load(rho + off - 8);
      const here = v128.load(rho + off);
      const after = v128.load(rho + off + 8);
      const a = limitedOffsetPair(here, f64x2.sub(here, before), f64x2.sub(after, here), v128.load(gm + off), v128.load(gp + off), v128.load(gc + off));
      const right = f64x2.add(here, a);
      const left = f64x2.sub(here, a);
      // Faces i and i+1: upwind values from cells i-1, i on their left and i, i+1 on their right.
      const fromLeft = i8x16.shuffle(rightCarry, right, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23);
      const v = v128.load(velocity + off);
      const flux = f64x2.mul(v, v128.bitselect(fromLeft, left, f64x2.gt(v, zero)));
      const invBefore = v128.load(invWidth + off - 8);
      rates = f64x2.pmax(rates, f64x2.mul(f64x2.abs(v), f64x2.pmax(invBefore, v128.load(invWidth + off))));
      // Cells i-1, i: in through faces i-1, i, out through faces i, i+1.
      const fluxIn = i8x16.shuffle(fluxCarry, flux, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23);
      const b = v128.load(base + off - 8);
      const euler = f64x2.add(before, f64x2.mul(vdt, f64x2.mul(f64x2.sub(fluxIn, flux), invBefore)));
      v128.store(out + off - 8, f64x2.add(b, f64x2.mul(vkeep, f64x2.sub(euler, b))));
      rightCarry = right;
      fluxCarry = flux;
    }
    rightPrev = f64x2.extract_lane(rightCarry, 1);
    fluxPrev = f64x2.extract_lane(fluxCarry, 1);
    rate = Math.max(f64x2.extract_lane(rates, 0), f64x2.extract_lane(rates, 1));
    // Cell i-1 has not been written yet.
    rhoPrev = load<f64>(rho + (<usize>(i - 1) << 3));
  }
  for (; i < n; i++) {
    const off = <usize>i << 3;
    const here = load<f64>(rho + off);
    const a = i == n - 1
      ? 0.0
      : limitedOffset(here, here - rhoPrev, load<f64>(rho + off + 8) - here, load<f64>(gm + off), load<f64>(gp + off), load<f64>(gc + off));
    const v = load<f64>(velocity + off);
    const flux = v * (v > 0.0 ? rightPrev : here - a);
    const invBefore = load<f64>(invWidth + off - 8);
    rate = Math.max(rate, Math.abs(v) * Math.max(invBefore, load<f64>(invWidth + off)));
    const b = load<f64>(base + off - 8);
    const euler = rhoPrev + dt * ((fluxPrev - flux) * invBefore);
    store<f64>(out + off - 8, b + keep * (euler - b));
    rhoPrev = here;
    rightPrev = here + a;
    fluxPrev = flux;
  }
  // The last cell: nothing leaves through face n.
  const last = nb - 8;
  const b = load<f64>(base + last);
  const euler = rhoPrev + dt * (fluxPrev * load<f64>(invWidth + last));
  store<f64>(out + last, b + keep * (euler - b));
  return rate;
}
