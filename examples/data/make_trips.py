#!/usr/bin/env python3
"""Regenerates trips.csv and zones.csv, the small deterministic data the
trip examples read (committed, so the examples need nothing else)."""
import random, os
here = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(2026)
zones = ["Harbour", "Old Town", "Airport", "University", "Riverside", "Zürich-West", "Market", "Hills"]
with open(os.path.join(here, "zones.csv"), "w", newline="") as f:
    f.write("zone,borough,surcharge\n")
    for i, z in enumerate(zones[:-1]):  # Hills has no row: a left merge leaves it null
        f.write(f"{z},{['North', 'South', 'East'][i % 3]},{(i % 4) * 0.5}\n")
with open(os.path.join(here, "trips.csv"), "w", newline="") as f:
    f.write("trip_id,pickup,zone,distance,fare,passengers\n")
    for i in range(400):
        day = 1 + i % 28
        dist = round(rng.expovariate(1 / 4.0), 2)
        fare = round(3.0 + dist * 2.1 + rng.random() * 2, 2)
        pax = "" if rng.random() < 0.05 else str(rng.randint(1, 4))
        f.write(f"{i},2026-02-{day:02d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00,"
                f"{rng.choice(zones)},{dist},{fare},{pax}\n")
