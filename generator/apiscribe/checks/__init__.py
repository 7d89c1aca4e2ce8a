"""Checks behind `apiscribe check`: every view valid, every example true."""
