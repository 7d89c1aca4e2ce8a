"""A small Django REST framework app that the DRF source tests document."""
