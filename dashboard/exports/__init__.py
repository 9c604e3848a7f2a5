"""Exports for meetings: every chart and table as PNG, SVG, CSV or XLSX, and the month as a deck and a report."""
