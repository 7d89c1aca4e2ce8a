"""apiscribe's own file formats: the JSON doc (and its index), and raw HTTP text."""
