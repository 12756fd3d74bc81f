// The status for screen readers: a live region that speaks at most once a second. The visible
// status line updates with every record (dozens of times a second); announcing each change would
// drown a screen reader, so the live region takes the latest text once a second, and a final
// state (done, error) still arrives within a second.

const INTERVAL_MS = 1000;

/** Returns the function that sets the text to announce; the region speaks it at the next free second. */
export function throttledAnnouncer(region: HTMLElement): (text: string) => void {
  let last = Number.NEGATIVE_INFINITY;
  let pending: string | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    timer = null;
    if (pending === null || pending === region.textContent) return;
    region.textContent = pending;
    last = performance.now();
    pending = null;
  };
  return (text: string) => {
    pending = text;
    if (timer !== null) return;
    timer = setTimeout(flush, Math.max(0, last + INTERVAL_MS - performance.now()));
  };
}
