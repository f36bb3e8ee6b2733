"""secretkit's benchmark suite: `make bench` prints its figures and writes results.md/.json."""
