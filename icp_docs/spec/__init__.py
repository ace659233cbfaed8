"""Spec files -> models: positioned YAML (:mod:`.yaml`), pydantic models (:mod:`.models`),
cross-file checks (:mod:`.checks`), and the folder loader (:mod:`.load`).

Nothing is imported here, so that the light modules (the YAML loader, the worker pool) can be
used before pydantic is: the public names are re-exported by :mod:`icp_docs`.
"""
