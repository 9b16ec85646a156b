"""Who may act for the organization in the embedded AWS: moto's Organizations, read as AWS Config does.

AWS Config's multi-account APIs need the caller to be the organization's management account or an
account the management account registered as delegated administrator for the Config service
principal of that feature (AWS Config Developer Guide, "Using delegated admin for AWS Config":
``config.amazonaws.com`` for aggregators, ``config-multiaccountsetup.amazonaws.com`` for
organization rules and conformance packs). moto keeps an organization in its management account's
backend and maps every member account to it (``organizations_backends.master_accounts``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from moto.config.models import ConfigBackend, config_backends
from moto.core.exceptions import JsonRESTError
from moto.organizations.models import FakeDelegatedAdministrator, OrganizationsBackend, organizations_backends

AGGREGATOR_SERVICE_PRINCIPAL = "config.amazonaws.com"
ORGANIZATION_RULES_SERVICE_PRINCIPAL = "config-multiaccountsetup.amazonaws.com"


class NoAvailableOrganizationException(JsonRESTError):
    code = 400

    def __init__(self, account_id: str):
        super().__init__(
            "NoAvailableOrganizationException",
            f"Organization is no longer available: account {account_id} belongs to no organization in AWS Organizations.",
        )


class OrganizationAllFeaturesNotEnabledException(JsonRESTError):
    code = 400

    def __init__(self) -> None:
        super().__init__(
            "OrganizationAllFeaturesNotEnabledException",
            "AWS Config resource cannot be created because your organization does not have all features enabled.",
        )


class OrganizationAccessDeniedException(JsonRESTError):
    code = 400

    def __init__(self, account_id: str, service_principal: str):
        super().__init__(
            "OrganizationAccessDeniedException",
            f"Account {account_id} is neither the organization's management account nor a delegated administrator "
            f"registered for {service_principal}; call this API from one of those.",
        )


def organization_of(account_id: str, partition: str) -> OrganizationsBackend | None:
    """The Organizations backend holding the organization ``account_id`` belongs to, if any."""
    own = organizations_backends[account_id][partition]
    if own.org is not None:
        return own
    if account_id in organizations_backends.master_accounts:
        management, management_partition = organizations_backends.master_accounts[account_id]
        return organizations_backends[management][management_partition]
    return None


def administered_organization(account_id: str, partition: str, service_principal: str) -> OrganizationsBackend:
    """The organization ``account_id`` may act for with ``service_principal``'s APIs.

    Raises what AWS Config raises: no organization, not all features, neither management account
    nor delegated administrator for that service principal.
    """
    organization = organization_of(account_id, partition)
    if organization is None or organization.org is None:
        raise NoAvailableOrganizationException(account_id)
    if organization.org.feature_set != "ALL":
        raise OrganizationAllFeaturesNotEnabledException()
    if account_id == organization.org.master_account_id:
        return organization
    if any(admin.account.id == account_id and service_principal in admin.services for admin in organization.admins):
        return organization
    raise OrganizationAccessDeniedException(account_id, service_principal)


def account_ids(organization: OrganizationsBackend) -> list[str]:
    """Every account of the organization, the management account included, in id order."""
    return sorted({account.id for account in organization.accounts})


def deployers_of(organization: OrganizationsBackend, store_attribute: str) -> Iterator[tuple[ConfigBackend, Any]]:
    """Every Config backend (account and region) of ``organization`` holding organization-wide
    deployments in ``store_attribute``, with that store: whom a change of membership concerns."""
    for account_backends in list(config_backends.values()):
        for backend in list(account_backends.values()):
            store = backend.__dict__.get(store_attribute)
            if store is not None and organization_of(backend.account_id, backend.partition) is organization:
                yield backend, store


def allow_config_delegated_administrators() -> None:
    """Let the management account register delegated administrators for AWS Config's aggregators.

    moto's list of services that accept a delegated administrator has Config's organization-rule
    principal but not ``config.amazonaws.com``, which AWS documents for aggregators (AWS
    Organizations User Guide, "AWS services that you can use with AWS Organizations": AWS Config).
    """
    if AGGREGATOR_SERVICE_PRINCIPAL not in FakeDelegatedAdministrator.SUPPORTED_SERVICES:
        FakeDelegatedAdministrator.SUPPORTED_SERVICES.append(AGGREGATOR_SERVICE_PRINCIPAL)
