"""Fact kinds: what checks read beside the recorded item, one module per kind.

A rule declares the kind its check needs (``facts = VPC_FLOW_LOGS``); its ``gather_facts`` reads
the kind from AWS, and ``smguard scan`` asks the same kind to build the facts from a template.
"""
