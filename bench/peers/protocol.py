"""The peers' side of bench/peers.ts: build the state, warm up, print one JSON line
{"ready": true, "blas": ...} naming the BLAS library the process actually loaded; then for every
line on stdin holding a number of seconds, run whole steps for that long and print one JSON line
{"steps", "seconds", "cpuSeconds", "samplesPerSecond", "loss"}.

argv: D N B PRECISION STEP_SIZE SEED THREADS [VARIANT]. The thread count is pinned before numpy
or torch is imported (OMP/OpenBLAS/MKL read it once, at load), so BLAS runs with the same number of
threads as meanfield. The caller sets glibc's MALLOC_TRIM_THRESHOLD_ and MALLOC_MMAP_THRESHOLD_ so
that freed arrays stay in the heap instead of going back to the kernel and faulting in again."""
import json
import os
import re
import sys
import time

THREADS = sys.argv[7] if len(sys.argv) > 7 else "1"
for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[var] = THREADS

WARM_UP_STEPS = 20
# Shared objects that implement BLAS: an optimized one (OpenBLAS, MKL, BLIS, ATLAS) or the
# reference (netlib) libblas that Debian installs under .../blas/ when nothing better is selected.
BLAS_FILE = re.compile(r"(openblas|mkl_|libmkl|blis|atlas|libblas|libcblas|flexiblas)", re.I)
OPTIMIZED = re.compile(r"(openblas|mkl|blis|atlas)", re.I)


def loaded_blas() -> dict:
    """The BLAS this process has mapped (from /proc/self/maps, which cannot be fooled by
    configuration) and threadpoolctl's description of it when threadpoolctl is importable."""
    files = set()
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                path = line.split()[-1] if len(line.split()) >= 6 else ""
                if BLAS_FILE.search(os.path.basename(path)):
                    files.add(os.path.realpath(path))
    except OSError:
        pass
    pools = []
    try:
        import threadpoolctl

        pools = [
            {k: p.get(k) for k in ("internal_api", "version", "num_threads", "architecture", "filepath")}
            for p in threadpoolctl.threadpool_info()
            if p.get("user_api") == "blas"
        ]
    except Exception:  # threadpoolctl missing or failing: the mapped files still decide
        pass
    names = sorted(files)
    optimized = any(OPTIMIZED.search(f) for f in names) or any(OPTIMIZED.search(p.get("internal_api") or "") for p in pools)
    if pools:
        p = pools[0]
        summary = f"{p['internal_api']} {p['version']} ({p.get('architecture') or '?'} kernels, {p['num_threads']} threads)"
    elif names:
        summary = ", ".join(os.path.basename(f) for f in names)
    else:
        summary = "no BLAS library mapped"
    return {"optimized": optimized, "summary": summary, "files": names, "threadpools": pools}


def serve(step, batch: int) -> None:
    """step() runs one SGD step and returns its loss."""
    for _ in range(WARM_UP_STEPS):
        step()
    print(json.dumps({"ready": True, "blas": loaded_blas()}), flush=True)
    for line in sys.stdin:
        seconds = float(line)
        steps = 0
        cpu0 = time.process_time()
        start = time.perf_counter()
        while True:
            loss = step()
            steps += 1
            elapsed = time.perf_counter() - start
            if elapsed >= seconds:
                break
        cpu = time.process_time() - cpu0
        print(
            json.dumps({"steps": steps, "seconds": elapsed, "cpuSeconds": cpu, "samplesPerSecond": steps * batch / elapsed, "loss": float(loss)}),
            flush=True,
        )


def parse_args():
    """D N B PRECISION STEP_SIZE SEED THREADS [VARIANT]: the shape, dtype, step size, seed,
    thread count and (torch) "autograd" or "manual"."""
    d, n, b = (int(v) for v in sys.argv[1:4])
    variant = sys.argv[8] if len(sys.argv) > 8 else "autograd"
    return d, n, b, sys.argv[4], float(sys.argv[5]), int(sys.argv[6]), int(THREADS), variant
