"""智改数转: the digital-maturity self-assessment (a dated rule set scored by the rules engine), its level as the
rules' ``digital_level``, and maturity along a chain and among a leader's suppliers (docs/digital.md). The solution
catalogue and subscriptions are in :mod:`chainatlas.solutions`."""
