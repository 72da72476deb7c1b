"""Web shell: the REST API (/api/v1) and the server-rendered workbench (Jinja2 + htmx + ECharts)."""
