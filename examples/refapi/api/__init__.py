"""The HTTP API of the reference app: endpoints, URLconf, auth, pagination."""
