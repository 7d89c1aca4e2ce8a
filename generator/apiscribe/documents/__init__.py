"""Documents as apiscribe reads them: loading JSON and YAML with lines, JSON pointers,
``$ref`` resolution, and what kind of OpenAPI document a file is."""
