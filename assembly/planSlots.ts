// A kernel's plan: the run's sizes and pointers written once by the host into consecutive f64 slots,
// so each call passes only what changes per step (one home for the fused online step and the
// overlap chain).

/** Slot `index` of the plan at `plan` (f64 slots, 8 bytes apart). */
@inline export function slot(plan: usize, index: i32): f64 {
  return load<f64>(plan + (<usize>index << 3));
}

/** A pointer the host stored in slot `index` (an integral f64). */
@inline export function pointer(plan: usize, index: i32): usize {
  return <usize>slot(plan, index);
}
