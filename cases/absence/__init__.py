"""Absence per pupil and period, its CSV import, and absence investigations."""
