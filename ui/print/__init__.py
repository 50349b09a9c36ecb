"""Printing in the app: preview (painted from the report's display list), system print dialog,
save as PDF, and the print-font choice. Entry point: ``open_print_preview(parent, ctx, PrintJob(...))``."""
