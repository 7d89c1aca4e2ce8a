"""Endpoint classes, one module per resource family."""
