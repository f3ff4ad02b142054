"""pytest plugin entry point (``pytest11``): deliberately light; imports nothing heavy at load time."""
