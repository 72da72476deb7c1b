"""Fixtures of the trade tests; the conformance material and its loaders are in tests/helpers/epcis.py."""
