//! Kernel-level float reference of attention (CPU), the twin of the GPU kernels.
