"""Tests of the preventive controls in policies/ (a package, so its module names cannot clash)."""
