"""Point-in-polygon at scale: where dask-geopandas would pay off (see docs/scaling.md).

    .venv/bin/python bench/bench_sjoin.py [--n 1000000] [--workers 2]

Places N random points of the Sahel (distinct coordinates) in the admin-1 polygons three ways:
the project's serial path (``geodata.boundaries.locate_many``: STRtree query, then countries and
a 5 km nearest fallback), a plain ``geopandas.sjoin``, and — when ``dask_geopandas`` can be
imported (it is not a dependency of conflictmap) — ``dask_geopandas`` ``sjoin`` over N-worker
partitions on a LocalCluster. Checks that the joins agree on the points inside a polygon and
prints the load average: on a shared machine the timings mean little unless it is low.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()

    import geopandas as gpd
    import numpy as np

    from geodata.boundaries import _admin1_order, locate_many

    layer = _admin1_order()[["name", "geometry"]]
    rng = np.random.default_rng(1)
    lon, lat = rng.uniform(-12, 16, args.n), rng.uniform(8, 24, args.n)
    print(f"{args.n} points, {len(layer)} admin-1 polygons; cpus={os.cpu_count()}; load {os.getloadavg()[0]:.2f}")

    t = time.perf_counter()
    located = locate_many(lon, lat)
    print(f"locate_many (serial, with fallbacks): {time.perf_counter() - t:6.2f} s", flush=True)

    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=layer.crs)
    t = time.perf_counter()
    serial = gpd.sjoin(points, layer, predicate="intersects")  # inner: dask_geopandas has no other
    print(f"geopandas.sjoin (serial):             {time.perf_counter() - t:6.2f} s", flush=True)
    first = serial.groupby(level=0)["index_right"].min()  # lowest polygon row wins, as in locate_many
    inside = np.zeros(args.n, dtype=bool)
    inside[first.index.to_numpy()] = True
    names = np.full(args.n, None, dtype=object)
    names[first.index.to_numpy()] = layer["name"].to_numpy()[first.to_numpy()]
    agree = (located["admin1"].to_numpy()[inside] == names[inside]).all()
    print(f"  agrees with locate_many on the {int(inside.sum())} points inside a polygon: {agree}")

    try:
        import dask_geopandas
    except ImportError:
        print("dask_geopandas is not installed: skipped")
        return
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=args.workers, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        ) as cluster,
        Client(cluster),
    ):
        t = time.perf_counter()
        parts = dask_geopandas.from_geopandas(points, npartitions=args.workers)
        dist = parts.sjoin(layer, predicate="intersects").compute()
        took = time.perf_counter() - t
        same = dist.groupby(level=0)["index_right"].min()
        print(
            f"dask_geopandas sjoin, {args.workers} workers:      {took:6.2f} s (points sent to the workers"
            f" and the joined rows back included; load {os.getloadavg()[0]:.2f})"
        )
        print(f"  equal to the serial join: {same.equals(first)}")


if __name__ == "__main__":
    main()
