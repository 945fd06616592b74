//! Float attention kernels (CUDA and CPU) checked against the exact reference.
