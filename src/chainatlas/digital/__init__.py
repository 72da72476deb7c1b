"""智改数转 services: the solution catalogue (hardware lease + software subscription), SMEs' subscriptions, and the
digital-maturity self-assessment (docs/digital.md)."""
