"""Homegroup: 12-step recovery and medication for opioid use disorder, together."""

import os

# One BLAS thread per process unless the environment says otherwise: the outcome report's
# regressions are small matrices, and on a server's few shared cores OpenBLAS's extra threads
# spin for a core rather than help (7x the CPU for the report's model on 2 busy cores).
# Set before numpy loads OpenBLAS, which reads it once.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
