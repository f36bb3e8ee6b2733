"""The resource types the embedded AWS translates: one entry per type, grouped by AWS service."""
