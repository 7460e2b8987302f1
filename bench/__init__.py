"""Load and scale benchmarks: the clinic-scale data generator, the load driver and their results format."""
