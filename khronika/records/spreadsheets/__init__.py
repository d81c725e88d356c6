"""Spreadsheets in and out: the incident list as CSV or XLSX, and incidents imported from either.

The import is a pipeline of visible stages, one module each:

``reading`` (bytes → table of text cells, refusing what it cannot read safely) →
``mapping`` (spreadsheet column → Khronika field, guessed from the headers) →
``validation`` (every row checked, every problem named by row and column, nothing written) →
``importing`` (all rows, or only the valid ones, written through ``records.services.save_incident``).

``staging`` keeps an upload between the steps of the web form, encrypted; ``export`` writes the
incident list with formula injection neutralised.
"""
