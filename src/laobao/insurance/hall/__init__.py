"""The employer hall (单位网厅) files: versioned Excel templates and their all-or-nothing import.

* :mod:`.templates` — the 增减员 and 基数申报 workbooks (data sheet, 填表说明, 版本) and the version check.
* :mod:`.imports` — ``import_changes`` / ``import_declarations``: every row through the hall services.
"""
