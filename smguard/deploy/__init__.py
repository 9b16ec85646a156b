"""Deployment: the SAM template generated from the rule catalogue, and the build of its artifacts."""
