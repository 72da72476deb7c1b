"""City indicators against their targets (城市指标与目标): the registry of indicators and their dated targets, the
actual values (computed by the platform or imported official statistics), and the progress toward each target."""
