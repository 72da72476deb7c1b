"""Exchange (数据交互规范): the data-exchange specification v1 — table schemas, readers, validation,
import, export and Excel templates. The specification document and the JSON Schemas are generated from
:mod:`chainatlas.exchange.spec`, the same objects the validator uses.
"""
