"""The ICP against account data: the fit model, compiled to SQL, run over account exports,
and the evidence from closed deals that the site and lint read."""
