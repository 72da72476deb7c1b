"""数据即服务 (data products): published datasets and aggregate views with measured quality, access by grant and a
product-scoped token, metering and audit. docs/products.md."""
