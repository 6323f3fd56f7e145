"""Test harnesses that drive real programs: tmux, sshd, Slurm, D-Bus, HTTP on loopback."""
