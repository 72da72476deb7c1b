"""Analysis (产业链分析): the chain atlas, the local supporting rate (本地配套率) and attraction targets (精准招商),
computed on columnar snapshots (Polars) of the transactional store."""
