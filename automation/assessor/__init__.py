"""The NVQ assessor's pack: a pseudonymised workbook, the documents and an evidence index."""
