"""Governance (数据依法有序互通): principals and roles, login and API tokens, route access policies and a
tamper-evident (hash-chained) audit log."""
