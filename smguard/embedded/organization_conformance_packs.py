"""AWS Config's organization conformance packs for the embedded AWS, replacing moto 5.2.5's, which
stores them without deploying anything.

``install()`` serves PutOrganizationConformancePack, DescribeOrganizationConformancePacks,
DescribeOrganizationConformancePackStatuses, GetOrganizationConformancePackDetailedStatus and
DeleteOrganizationConformancePack, and deploys an organization pack to accounts that join the
organization and removes it from accounts that leave.

How this follows AWS (AWS Config API Reference, the pages of those actions and of
OrganizationConformancePack, OrganizationConformancePackStatus,
OrganizationConformancePackDetailedStatus; AWS Config Developer Guide, "Managing conformance packs
across all accounts in your organization"); decisions where AWS does not say are marked:

- Only the management account or a delegated administrator for
  ``config-multiaccountsetup.amazonaws.com`` may call their APIs (``organizations``). Creating one
  creates, in the caller's region of every account of the organization but the ExcludedAccounts
  (decision, as for organization rules: the management and the deploying account included), a
  member pack ``OrgConformsPack-<name>-<suffix>`` (``smguard.deploy.naming.member_pack_name``) with
  ``CreatedBy: config-multiaccountsetup.amazonaws.com`` whose rules are created as
  ``conformance_packs`` creates an account pack's (their functions live in the deploying account,
  as the template's ARNs say). A member account where the
  member pack fails is CREATE_FAILED / UPDATE_FAILED with the error, and the organization pack is
  CREATE_FAILED / UPDATE_FAILED ("when conformance pack creation failed in one or more member
  accounts"). Accounts that join the organization get the member packs; accounts that leave lose them.
  Member accounts cannot change or delete a member pack (AccessDeniedException, decision: the
  message of the service-linked rule refusal) nor its rules (``conformance_packs``).
- Requests are checked against the API model (``request_model``); every Limit is 0..100, 0 or
  absent = 100. An organization pack is seen only from the account and region that created it
  (NoSuchOrganizationConformancePackException elsewhere), as organization rules are.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from moto.config.exceptions import NoSuchOrganizationConformancePackException
from moto.config.models import ConfigBackend, config_backends
from moto.config.responses import ConfigResponse
from moto.organizations.models import OrganizationsBackend

from smguard.deploy.naming import member_pack_name
from smguard.embedded import organization_rules
from smguard.embedded.config_compliance import _now, _page, _with_token
from smguard.embedded.conformance_packs import (
    API,
    RULE_SUFFIX_LENGTH,
    ConformancePackTemplateValidationException,
    deploy_pack,
    pack_store,
    random_suffix,
    remove_pack,
    response_method,
    template_body,
)
from smguard.embedded.organizations import ORGANIZATION_RULES_SERVICE_PRINCIPAL, account_ids, administered_organization, deployers_of
from smguard.embedded.pack_template import PackTemplateError, interpret
from smguard.embedded.request_model import check_request, page_size_of

_STORE_ATTRIBUTE = "smguard_organization_conformance_packs"


# --- the stored organization packs --------------------------------------------------------------


@dataclass
class MemberPack:
    account_id: str
    pack_name: str
    status: str
    updated_at: datetime
    error: tuple[str, str] | None = None

    def to_status(self) -> dict[str, Any]:
        """The OrganizationConformancePackDetailedStatus shape."""
        status: dict[str, Any] = {
            "AccountId": self.account_id,
            "ConformancePackName": self.pack_name,
            "Status": self.status,
            "LastUpdateTime": self.updated_at.timestamp(),
        }
        if self.error is not None:
            status["ErrorCode"], status["ErrorMessage"] = self.error
        return status


@dataclass
class OrganizationPack:
    name: str
    arn: str
    body: str
    input_parameters: list[dict[str, str]]
    excluded_accounts: list[str]
    delivery: tuple[str | None, str | None]
    status: str
    updated_at: datetime
    members: dict[str, MemberPack] = field(default_factory=dict)

    def to_pack(self) -> dict[str, Any]:
        """The OrganizationConformancePack shape."""
        shape: dict[str, Any] = {
            "OrganizationConformancePackName": self.name,
            "OrganizationConformancePackArn": self.arn,
            "ConformancePackInputParameters": self.input_parameters,
            "ExcludedAccounts": self.excluded_accounts,
            "LastUpdateTime": self.updated_at.timestamp(),
        }
        for key, value in zip(("DeliveryS3Bucket", "DeliveryS3KeyPrefix"), self.delivery):
            if value is not None:
                shape[key] = value
        return shape

    def to_status(self) -> dict[str, Any]:
        """The OrganizationConformancePackStatus shape."""
        return {"OrganizationConformancePackName": self.name, "Status": self.status, "LastUpdateTime": self.updated_at.timestamp()}


@dataclass
class OrganizationPackStore:
    packs: dict[str, OrganizationPack] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock)


def organization_pack_store(backend: ConfigBackend) -> OrganizationPackStore:
    return backend.__dict__.setdefault(_STORE_ATTRIBUTE, OrganizationPackStore())


def _deploy_members(deployer: ConfigBackend, pack: OrganizationPack, targets: list[str], *, update: bool) -> None:
    """Make the member packs of ``pack`` exactly those of ``targets``: remove those of other
    accounts, create the missing ones and, when ``update``, deploy the others again."""
    for account_id in list(pack.members):
        if account_id not in targets:
            member = pack.members.pop(account_id)
            member_backend = config_backends[account_id][deployer.region_name]
            if member.pack_name in pack_store(member_backend).packs:
                remove_pack(member_backend, member.pack_name)
    for account_id in targets:
        current = pack.members.get(account_id)
        if current is not None and not update:
            continue
        member_backend = config_backends[account_id][deployer.region_name]
        name = current.pack_name if current else member_pack_name(pack.name, random_suffix(RULE_SUFFIX_LENGTH))
        action = "UPDATE" if current is not None and current.status != "CREATE_FAILED" else "CREATE"
        error: tuple[str, str] | None = None
        try:  # the template was interpreted for the deploying account; a member account's id may still break it
            deployed = deploy_pack(
                member_backend,
                name,
                pack.body,
                pack.input_parameters,
                functions_account=deployer.account_id,
                created_by=ORGANIZATION_RULES_SERVICE_PRINCIPAL,
                delivery=pack.delivery,
                organization=True,
            )
            if deployed.state.endswith("_FAILED"):
                error = (deployed.failure_code or "", deployed.reason or "")
        except ConformancePackTemplateValidationException as refused:
            error = (refused.error_type, refused.message)
        status = f"{action}_{'FAILED' if error else 'SUCCESSFUL'}"
        pack.members[account_id] = MemberPack(account_id, name, status, _now(), error)


def _organization_status(pack: OrganizationPack, action: str) -> str:
    failed = any(member.status.endswith("_FAILED") for member in pack.members.values())
    return f"{action}_{'FAILED' if failed else 'SUCCESSFUL'}"


def put_organization_conformance_pack(backend: ConfigBackend, request: Mapping[str, Any]) -> dict[str, Any]:
    check_request("PutOrganizationConformancePack", request)
    body = template_body(request)
    organization = administered_organization(backend.account_id, backend.partition, ORGANIZATION_RULES_SERVICE_PRINCIPAL)
    parameters = list(request.get("ConformancePackInputParameters") or [])
    try:  # refused before any account changes; each member account interprets it again with its own id
        interpret(body, {p["ParameterName"]: p["ParameterValue"] for p in parameters}, account_id=backend.account_id, region=backend.region_name)
    except PackTemplateError as error:
        raise ConformancePackTemplateValidationException(str(error), organization=True) from None
    name = request["OrganizationConformancePackName"]
    excluded = sorted(set(request.get("ExcludedAccounts") or []))
    delivery = (request.get("DeliveryS3Bucket"), request.get("DeliveryS3KeyPrefix"))
    store = organization_pack_store(backend)
    with store.lock:
        pack = store.packs.get(name)
        action = "CREATE" if pack is None else "UPDATE"
        if pack is None:
            pack = OrganizationPack(
                name=name,
                arn=(
                    f"arn:{backend.partition}:config:{backend.region_name}:{backend.account_id}:"
                    f"organization-conformance-pack/{name}-{random_suffix(RULE_SUFFIX_LENGTH)}"
                ),
                body=body,
                input_parameters=parameters,
                excluded_accounts=excluded,
                delivery=delivery,
                status="CREATE_IN_PROGRESS",
                updated_at=_now(),
            )
            store.packs[name] = pack
        else:
            pack.body, pack.input_parameters, pack.excluded_accounts, pack.delivery = body, parameters, excluded, delivery
        targets = [account for account in account_ids(organization) if account not in excluded]
        _deploy_members(backend, pack, targets, update=True)
        pack.status, pack.updated_at = _organization_status(pack, action), _now()
    return {"OrganizationConformancePackArn": pack.arn}


def _named_organization_packs(backend: ConfigBackend, names: list[str] | None) -> list[OrganizationPack]:
    packs = organization_pack_store(backend).packs
    missing = [name for name in names or [] if name not in packs]
    if missing:
        raise NoSuchOrganizationConformancePackException(
            f"The organization conformance pack(s) {', '.join(missing)} do not exist in this account and region; "
            "organization conformance packs are seen only from the account that created them."
        )
    chosen = [packs[name] for name in set(names)] if names else list(packs.values())
    return sorted(chosen, key=lambda pack: pack.name)


def _described_organization(
    backend: ConfigBackend, operation: str, request: Mapping[str, Any], key: str, shape: Callable[[OrganizationPack], dict[str, Any]]
) -> dict[str, Any]:
    check_request(operation, request)
    page_size = page_size_of(operation, request.get("Limit"))
    administered_organization(backend.account_id, backend.partition, ORGANIZATION_RULES_SERVICE_PRINCIPAL)
    names = request.get("OrganizationConformancePackNames")
    packs = _named_organization_packs(backend, names)
    page, token = _page(packs, lambda pack: (pack.name,), page_size, request.get("NextToken"), f"{operation} {sorted(names or [])}")
    return _with_token({key: [shape(pack) for pack in page]}, token)


def describe_organization_conformance_packs(backend: ConfigBackend, request: Mapping[str, Any]) -> dict[str, Any]:
    return _described_organization(backend, "DescribeOrganizationConformancePacks", request, "OrganizationConformancePacks", OrganizationPack.to_pack)


def describe_organization_conformance_pack_statuses(backend: ConfigBackend, request: Mapping[str, Any]) -> dict[str, Any]:
    return _described_organization(
        backend, "DescribeOrganizationConformancePackStatuses", request, "OrganizationConformancePackStatuses", OrganizationPack.to_status
    )


def get_organization_conformance_pack_detailed_status(backend: ConfigBackend, request: Mapping[str, Any]) -> dict[str, Any]:
    operation = "GetOrganizationConformancePackDetailedStatus"
    check_request(operation, request)
    page_size = page_size_of(operation, request.get("Limit"))
    administered_organization(backend.account_id, backend.partition, ORGANIZATION_RULES_SERVICE_PRINCIPAL)
    [pack] = _named_organization_packs(backend, [request["OrganizationConformancePackName"]])
    filters = request.get("Filters") or {}
    members = [
        member
        for _, member in sorted(pack.members.items())
        if filters.get("AccountId") in (None, member.account_id) and filters.get("Status") in (None, member.status)
    ]
    listing = f"{operation} {pack.arn} {json.dumps(filters, sort_keys=True)}"
    page, token = _page(members, lambda member: (member.account_id,), page_size, request.get("NextToken"), listing)
    return _with_token({"OrganizationConformancePackDetailedStatuses": [member.to_status() for member in page]}, token)


def delete_organization_conformance_pack(backend: ConfigBackend, request: Mapping[str, Any]) -> dict[str, Any]:
    check_request("DeleteOrganizationConformancePack", request)
    administered_organization(backend.account_id, backend.partition, ORGANIZATION_RULES_SERVICE_PRINCIPAL)
    store = organization_pack_store(backend)
    with store.lock:
        [pack] = _named_organization_packs(backend, [request["OrganizationConformancePackName"]])
        _deploy_members(backend, pack, [], update=False)
        del store.packs[pack.name]
    return {}


def follow_membership(organization: OrganizationsBackend) -> None:
    """Deploy every organization conformance pack of ``organization`` to an account that joined it
    and remove it from one that left (the Developer Guide: AWS Config deploys an organization
    conformance pack to accounts that join and removes it from accounts that leave)."""
    members = account_ids(organization)
    for backend, store in deployers_of(organization, _STORE_ATTRIBUTE):
        with store.lock:
            for pack in store.packs.values():
                _deploy_members(backend, pack, [a for a in members if a not in pack.excluded_accounts], update=False)


def create_account(self: OrganizationsBackend, **kwargs: Any) -> dict[str, Any]:
    """CreateAccount as ``organization_rules`` completes it; the new account then gets the
    organization's conformance packs too."""
    status = organization_rules.create_account(self, **kwargs)
    follow_membership(self)
    return status


def remove_account_from_organization(self: OrganizationsBackend, **kwargs: str) -> None:
    """RemoveAccountFromOrganization as ``organization_rules`` completes it; the account then loses
    the organization's conformance packs too."""
    organization_rules.remove_account_from_organization(self, **kwargs)
    follow_membership(self)


_API: tuple[API, ...] = (
    put_organization_conformance_pack,
    describe_organization_conformance_packs,
    describe_organization_conformance_pack_statuses,
    get_organization_conformance_pack_detailed_status,
    delete_organization_conformance_pack,
)


def install() -> None:
    """Serve the organization conformance-pack APIs and follow accounts joining and leaving (after
    ``organization_rules.install()``, whose account membership handling this extends). Idempotent;
    affects every moto backend in the process."""
    setattr(OrganizationsBackend, "create_account", create_account)
    setattr(OrganizationsBackend, "remove_account_from_organization", remove_account_from_organization)
    for function in _API:
        setattr(ConfigResponse, function.__name__, response_method(function))
