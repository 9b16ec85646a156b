"""Upload the product templates where the portfolio's products read them (``make publish-products``).

    python -m smguard.deploy.publish --bucket BUCKET [--prefix smguard-products/v1]

``sam package`` does not upload them (it rewrites no Service Catalog property: smguard/deploy/portfolio.py),
so this does, to ``s3://BUCKET/PREFIX/<file>``, the URL template.yaml's products are given
(``ProductTemplatesBucket``, ``ProductTemplatesPrefix``). A published version is immutable: Service
Catalog keeps serving what it read, so a prefix that already holds a different template is refused
(publish under a new prefix and update the stack's ProductTemplatesPrefix).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import ClientError

from smguard.deploy.portfolio import PRODUCTS_DIR, load_products


class PublishedVersionChangedError(RuntimeError):
    """A template already published under the prefix differs from the one in products/."""


def publish(s3: Any, bucket: str, prefix: str, directory: Path = PRODUCTS_DIR) -> list[str]:
    """Upload every product template not yet under ``prefix``; returns the keys uploaded (in order).

    Everything is compared first, so a changed version uploads nothing."""
    pending = []
    for product in load_products(directory):
        body = (directory / product.file_name).read_bytes()
        key = f"{prefix.strip('/')}/{product.file_name}"
        published = _published(s3, bucket, key)
        if published is None:
            pending.append((key, body))
        elif hashlib.sha256(published).digest() != hashlib.sha256(body).digest():
            raise PublishedVersionChangedError(
                f"s3://{bucket}/{key} holds another version of products/{product.file_name}; publish under a new prefix"
            )
    for key, body in pending:
        s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType="application/x-yaml", ServerSideEncryption="AES256")
    return [key for key, _ in pending]


def _published(s3: Any, bucket: str, key: str) -> bytes | None:
    try:
        return bytes(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
            return None
        raise


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m smguard.deploy.publish", description=__doc__.splitlines()[0])
    parser.add_argument("--bucket", required=True, help="ProductTemplatesBucket of the stack")
    parser.add_argument("--prefix", default="smguard-products/v1", help="ProductTemplatesPrefix of the stack")
    arguments = parser.parse_args(argv)
    try:
        uploaded = publish(boto3.client("s3"), arguments.bucket, arguments.prefix)
    except PublishedVersionChangedError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for key in uploaded:
        print(f"uploaded s3://{arguments.bucket}/{key}")
    print(f"{len(uploaded)} template(s) uploaded; the others were already published unchanged.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
