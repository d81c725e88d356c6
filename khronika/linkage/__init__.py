"""Record linkage: the same person reported by several sources, found and grouped into one cluster.

The pipeline's stages are its modules: ``normalise`` (comparison keys), ``model`` (Splink on DuckDB in
memory: blocking, comparisons, EM training, prediction, clustering), ``csv_io`` (the person CSV
formats) and ``generator`` (synthetic truth for tests and benchmarks). See docs/linkage.md.
"""
