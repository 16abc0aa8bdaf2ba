"""The award programme workbook: validate, score and document a customer service award programme."""

__version__ = "0.1.0"
