"""docs/products.md lists every VPC endpoint the environment product creates, and no other."""

from __future__ import annotations

import re
from pathlib import Path

from smguard.scan.intrinsics import Resolver
from smguard.scan.loader import load_template

ROOT = Path(__file__).resolve().parents[2]
REGION_STAND_IN = "<region>"


def test_the_docs_list_every_endpoint_of_the_environment():
    loaded = load_template(ROOT / "products" / "data-science-environment.yaml")
    resolver = Resolver(loaded, {}, REGION_STAND_IN)
    created = {
        resolver.resolve(resource["Properties"]["ServiceName"], logical_id)
        for logical_id, resource in resolver.resources.items()
        if resource["Type"] == "AWS::EC2::VPCEndpoint"
    }
    section = (ROOT / "docs" / "products.md").read_text().split("## The VPC endpoints, and why each", 1)[1].split("\n## ", 1)[0]
    listed = set()
    for row in section.splitlines():
        if row.startswith("| `"):
            listed |= set(re.findall(r"`((?:com\.amazonaws|aws\.sagemaker)\.[^`]+)`", row.split("|")[1]))
    assert listed == created
