"""What can go wrong in an evidence export or verification, named so the operator can act on it."""

from __future__ import annotations


class EvidenceError(Exception):
    """Base of every export and verification failure; the message says what to do."""


class InvalidExportRequestError(EvidenceError):
    """The request contradicts itself or names something malformed (e.g. an unknown compliance type)."""


class BundleExistsError(EvidenceError):
    """The output folder exists: a bundle is never overwritten or merged into."""


class InvalidDestinationError(EvidenceError):
    """The output folder cannot be created there (e.g. a part of its path is a file, or no permission)."""


class WrongAccountError(EvidenceError):
    """The credentials belong to another account than the one ``--account`` asked for."""


class AggregatorNotFoundError(EvidenceError):
    """The Config aggregator does not exist in the caller's account and region."""


class RuleNotFoundError(EvidenceError):
    """A requested rule is not deployed, or no smguard rule is deployed at all."""


class AccessDeniedError(EvidenceError):
    """AWS refused a call; the message names the call and the principal."""


class AwsExportError(EvidenceError):
    """Any other AWS failure after retries, or AWS clients that cannot be built (e.g. a malformed endpoint URL)."""


class BundleWriteError(EvidenceError):
    """A file of the bundle could not be written (e.g. the disk is full)."""


class ManifestError(EvidenceError):
    """The bundle has no readable manifest, so nothing in it can be verified."""


class MalformedHashError(EvidenceError):
    """A manifest hash given to verify is no SHA-256 (whitespace, another algorithm, wrong length or digits)."""
