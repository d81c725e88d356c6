"""Khronika: documenting persecution and coordinating aid for people at risk."""
