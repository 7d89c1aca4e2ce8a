"""The reference API that apiscribe's default run documents (a Django REST framework app).

Importing this package does not import Django: ``refapi.scenarios`` is loaded by tools that
only speak HTTP to the running app.
"""
