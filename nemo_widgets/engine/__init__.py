"""The embedded engine: a local NemoVideo-compatible server that edits and renders for real."""
