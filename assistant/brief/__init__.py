"""A decision brief: one answer as a page a seller can forward (a read-only link and a PDF)."""
