"""Completion of the directory from the establishment's SIECLE (BEE) and STS-web exports."""
