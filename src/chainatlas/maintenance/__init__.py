"""共享运维 (shared O&M): the equipment register, service tickets with SLA clocks, provider KPIs (MTTR, first-time-fix
rate) and telemetry that raises tickets by alarm rules. docs/maintenance.md."""
