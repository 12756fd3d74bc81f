"""The peers' side of bench/peers.ts: build the state, warm up, print {"ready": true}; then for
every line on stdin holding a number of seconds, run whole steps for that long and print one JSON
line {"steps", "seconds", "samplesPerSecond", "loss"}. Threads are pinned to one before numpy or
torch is imported, so BLAS runs single-threaded like meanfield's single-thread run."""
import json
import os
import sys
import time

for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[var] = "1"

WARM_UP_STEPS = 20


def serve(step, batch: int) -> None:
    """step() runs one SGD step and returns its loss."""
    for _ in range(WARM_UP_STEPS):
        step()
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        seconds = float(line)
        steps = 0
        start = time.perf_counter()
        while True:
            loss = step()
            steps += 1
            elapsed = time.perf_counter() - start
            if elapsed >= seconds:
                break
        print(json.dumps({"steps": steps, "seconds": elapsed, "samplesPerSecond": steps * batch / elapsed, "loss": float(loss)}), flush=True)


def parse_args():
    """D N B PRECISION STEP_SIZE SEED."""
    d, n, b = (int(v) for v in sys.argv[1:4])
    return d, n, b, sys.argv[4], float(sys.argv[5]), int(sys.argv[6])
