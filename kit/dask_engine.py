"""Run a build's batches on a Dask cluster (``kit build --engine dask``; needs the ``dask`` extra).

Each batch of input records becomes one partition of a Dask dataframe, and
``map_partitions`` applies the same per-partition function as the local engine
(:func:`kit.build.analyse_batch`): the worker reads the files, parses them once and runs every
per-document stage. The spaCy model is loaded once per worker process (``load_pipeline`` is
cached per process). Results come back partition by partition, in order, so the driver writes
the same tables as a single-process build while holding one batch at a time.

Use it past one machine, or to share a cluster that already runs; on one machine the local
engine (``-j N``) does the same work with less start-up.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator, Sequence
from typing import Any

__all__ = ["run", "analyse_partition"]

_META_COLUMNS = ("doc_id", "result")


def analyse_partition(part: Any, *, model: str, batch_size: int) -> Any:
    """``map_partitions`` body: input records in, one row per document out (``doc_id`` and the
    pickled dict of its per-document tables)."""
    import pandas as pd

    from kit.build import analyse_batch

    records = [{"doc_id": r.doc_id, "path": r.path, "file": r.file, "manifest": pickle.loads(r.manifest),
                "missing": bool(r.missing)} for r in part.itertuples(index=False)]
    results = analyse_batch(records, model=model, batch_size=batch_size)
    # Pickled bytes, not the frames themselves: a partition is a flat table, and dask would
    # otherwise try to convert an object column of dicts to strings.
    return pd.DataFrame({"doc_id": [r["doc_id"] for r in records],
                         "result": [pickle.dumps(x, protocol=pickle.HIGHEST_PROTOCOL) for x in results]},
                        columns=list(_META_COLUMNS))


def _records_frame(task: Sequence[dict]) -> Any:
    import pandas as pd

    return pd.DataFrame({"doc_id": [r["doc_id"] for r in task], "path": [r["path"] for r in task],
                         "file": [r.get("file") or r["path"] for r in task],
                         "manifest": [pickle.dumps(r.get("manifest")) for r in task],
                         "missing": [bool(r["missing"]) for r in task]})


def run(tasks: Sequence[Sequence[dict]], *, model: str, batch_size: int,
        workers: int | str | None = None) -> Iterator[list[dict]]:
    """Yield :func:`kit.build.analyse_batch` results for ``tasks`` in order, computed on Dask.

    ``workers`` is a scheduler address (``"tcp://host:8786"``) to join a running cluster, or
    the number of worker processes of a ``LocalCluster`` started for this build (default 2).
    """
    try:
        import dask
        import dask.dataframe as dd
        import pandas as pd
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:  # the extra is optional
        raise ImportError("--engine dask needs the dask extra: pip install 'newskit[dask]'") from exc

    live = [i for i, t in enumerate(tasks) if len(t)]
    if not live:
        for _ in tasks:
            yield []
        return
    meta = pd.DataFrame({"doc_id": pd.Series(dtype=object), "result": pd.Series(dtype=object)})
    cluster = None
    if isinstance(workers, str):
        client = Client(workers)
    else:
        # One thread per worker: spaCy and the stages are CPU-bound Python, and a process each
        # keeps one model per core.
        cluster = LocalCluster(n_workers=int(workers or 2), threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    try:
        with dask.config.set({"dataframe.convert-string": False}):
            ddf = dd.from_map(_records_frame, [tasks[i] for i in live], enforce_metadata=False)
            out = ddf.map_partitions(analyse_partition, model=model, batch_size=batch_size, meta=meta)
            futures = client.compute(out.to_delayed())
        by_task = dict(zip(live, futures))
        for i in range(len(tasks)):
            if i not in by_task:
                yield []
                continue
            fut = by_task.pop(i)
            part = fut.result()
            fut.release()  # the driver holds one partition's results at a time
            yield [pickle.loads(b) for b in part["result"]]
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
