"""Consolidation (货代拼单 · 公共海外仓): SME shipments pooled into shared containers, air ULDs and rail boxes.

Pure computation, no database: ``model`` (shipments, cartons, capacity offers, read from the command's JSON),
``equipment`` (containers and ULDs with their dimensions, payloads and contours), ``assign`` (which shipment goes
into which unit on which departure: CP-SAT), ``packing`` (a 3D load plan per unit) and ``check`` (an independent
checker of any plan), ``costs`` (each exporter's share: chargeable weight or revenue tons, optionally the Shapley
value of the pooling saving), ``plan`` (all of it for a set of files), ``benchmark`` (the Bischoff–Ratcliff classes).
See docs/consolidation.md.
"""
