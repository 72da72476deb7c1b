"""公共海外仓 (public overseas warehouses): warehouses, inbound receipts from consolidated shipments (each with its EPCIS
receiving event), outbound orders, stock per exporter and SKU, occupancy over time, storage fees and occupancy alerts.

:mod:`.ledger` computes from frames (no I/O); :mod:`.store` reads and writes the database."""
