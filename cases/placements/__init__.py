"""Placements in special teaching groups (RSU, CSU, resursgrupp, SST, SST 2.0)."""
