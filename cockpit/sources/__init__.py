"""I/O adapters: NVML, SSH, tmux, Slurm, arXiv, notifications. Blocking; run them from workers."""
