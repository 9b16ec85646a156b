"""SageMaker resources, read and turned into their recorded (CloudFormation) shape.

The List APIs return no KMS, root-access or network fields, so each resource needs one Describe
call: that is the floor, and the sweep makes no other call per resource. The Describe calls run
on a bounded thread pool. Describe responses name some properties differently from the recorded
item (``SecurityGroups`` vs ``SecurityGroupIds``...); the mapping below is the only place that
knows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Executor
from typing import Any

from botocore.exceptions import ClientError

from smguard.engine.rule import Resource
from smguard.sweep.clients import SweepClients
from smguard.sweep.collected import CollectedResource, ProgressTracker

NOTEBOOK = "AWS::SageMaker::NotebookInstance"
ENDPOINT_CONFIG = "AWS::SageMaker::EndpointConfig"
DOMAIN = "AWS::SageMaker::Domain"
MODEL = "AWS::SageMaker::Model"

NOTEBOOK_PROPERTIES = {
    "NotebookInstanceName": "NotebookInstanceName",
    "InstanceType": "InstanceType",
    "RoleArn": "RoleArn",
    "KmsKeyId": "KmsKeyId",
    "SubnetId": "SubnetId",
    "SecurityGroups": "SecurityGroupIds",
    "NotebookInstanceLifecycleConfigName": "LifecycleConfigName",
    "DirectInternetAccess": "DirectInternetAccess",
    "RootAccess": "RootAccess",
    "VolumeSizeInGB": "VolumeSizeInGB",
    "AcceleratorTypes": "AcceleratorTypes",
    "DefaultCodeRepository": "DefaultCodeRepository",
    "AdditionalCodeRepositories": "AdditionalCodeRepositories",
    "PlatformIdentifier": "PlatformIdentifier",
    "InstanceMetadataServiceConfiguration": "InstanceMetadataServiceConfiguration",
}
"""DescribeNotebookInstance field -> AWS::SageMaker::NotebookInstance property."""

ENDPOINT_CONFIG_PROPERTIES = {
    name: name
    for name in (
        "EndpointConfigName",
        "KmsKeyId",
        "ProductionVariants",
        "ShadowProductionVariants",
        "DataCaptureConfig",
        "AsyncInferenceConfig",
        "ExplainerConfig",
        "EnableNetworkIsolation",
        "ExecutionRoleArn",
        "VpcConfig",
    )
}
"""DescribeEndpointConfig and AWS::SageMaker::EndpointConfig use the same names."""

DOMAIN_PROPERTIES = {
    name: name
    for name in (
        "DomainId",
        "DomainArn",
        "DomainName",
        "AuthMode",
        "AppNetworkAccessType",
        "AppSecurityGroupManagement",
        "VpcId",
        "SubnetIds",
        "KmsKeyId",
        "DefaultUserSettings",
        "DefaultSpaceSettings",
        "DomainSettings",
        "HomeEfsFileSystemId",
        "SecurityGroupIdForDomainBoundary",
        "SingleSignOnManagedApplicationInstanceId",
        "Url",
    )
}
"""DescribeDomain and AWS::SageMaker::Domain use the same names (attributes included)."""

MODEL_PROPERTIES = {
    name: name
    for name in (
        "ModelName",
        "ExecutionRoleArn",
        "PrimaryContainer",
        "Containers",
        "InferenceExecutionConfig",
        "VpcConfig",
        "EnableNetworkIsolation",
    )
}
"""DescribeModel and AWS::SageMaker::Model use the same names."""

LIST_PAGE_SIZE = 100
"""MaxResults' maximum in the model of each List call read here: as few List calls as AWS allows."""

GONE_ERROR_CODES = frozenset({"ResourceNotFound", "ValidationException"})
"""What a Describe of a resource just listed returns when it was deleted in between (SageMaker
reports an unknown name as ValidationException): the resource no longer exists, so it is skipped."""


def recorded_configuration(response: Mapping[str, Any], properties: Mapping[str, str]) -> dict[str, Any]:
    """The recorded configuration: listed properties only, renamed, unset ones left out.

    AWS Config leaves out a property the API did not return. An empty structure or list carries
    no setting either (moto returns ``DataCaptureConfig: {}`` where AWS returns nothing), so it is
    left out too: a check must see "absent", the API default, in both cases.
    """
    configuration = {}
    for api_name, recorded_name in properties.items():
        value = response.get(api_name)
        if value is None or value == {} or value == []:
            continue
        configuration[recorded_name] = value
    return configuration


def notebook_instance(response: Mapping[str, Any]) -> CollectedResource:
    """A DescribeNotebookInstance response as an AWS::SageMaker::NotebookInstance item."""
    configuration = recorded_configuration(response, NOTEBOOK_PROPERTIES)
    return CollectedResource(
        Resource(NOTEBOOK, response["NotebookInstanceName"], configuration), response.get("NotebookInstanceArn")
    )


def endpoint_config(response: Mapping[str, Any]) -> CollectedResource:
    """A DescribeEndpointConfig response as an AWS::SageMaker::EndpointConfig item."""
    configuration = recorded_configuration(response, ENDPOINT_CONFIG_PROPERTIES)
    return CollectedResource(
        Resource(ENDPOINT_CONFIG, response["EndpointConfigName"], configuration), response.get("EndpointConfigArn")
    )


def domain(response: Mapping[str, Any]) -> CollectedResource:
    """A DescribeDomain response as an AWS::SageMaker::Domain item (resource id: the domain id)."""
    configuration = recorded_configuration(response, DOMAIN_PROPERTIES)
    return CollectedResource(Resource(DOMAIN, response["DomainId"], configuration), response.get("DomainArn"))


def model(response: Mapping[str, Any]) -> CollectedResource:
    """A DescribeModel response as an AWS::SageMaker::Model item."""
    configuration = recorded_configuration(response, MODEL_PROPERTIES)
    return CollectedResource(Resource(MODEL, response["ModelName"], configuration), response.get("ModelArn"))


def collect_notebook_instances(clients: SweepClients, pool: Executor, progress: ProgressTracker) -> list[CollectedResource]:
    sagemaker = clients.build_client("sagemaker")
    names = _listed(sagemaker, "list_notebook_instances", "NotebookInstances", "NotebookInstanceName")
    return _describe_each(
        names, lambda name: sagemaker.describe_notebook_instance(NotebookInstanceName=name), notebook_instance, pool, progress
    )


def collect_endpoint_configs(clients: SweepClients, pool: Executor, progress: ProgressTracker) -> list[CollectedResource]:
    sagemaker = clients.build_client("sagemaker")
    names = _listed(sagemaker, "list_endpoint_configs", "EndpointConfigs", "EndpointConfigName")
    return _describe_each(
        names, lambda name: sagemaker.describe_endpoint_config(EndpointConfigName=name), endpoint_config, pool, progress
    )


def collect_domains(clients: SweepClients, pool: Executor, progress: ProgressTracker) -> list[CollectedResource]:
    sagemaker = clients.build_client("sagemaker")
    ids = _listed(sagemaker, "list_domains", "Domains", "DomainId")
    return _describe_each(ids, lambda domain_id: sagemaker.describe_domain(DomainId=domain_id), domain, pool, progress)


def collect_models(clients: SweepClients, pool: Executor, progress: ProgressTracker) -> list[CollectedResource]:
    sagemaker = clients.build_client("sagemaker")
    names = _listed(sagemaker, "list_models", "Models", "ModelName")
    return _describe_each(names, lambda name: sagemaker.describe_model(ModelName=name), model, pool, progress)


def _listed(client: Any, operation: str, key: str, identifier: str) -> list[str]:
    pages = client.get_paginator(operation).paginate(PaginationConfig={"PageSize": LIST_PAGE_SIZE})
    return [entry[identifier] for page in pages for entry in page.get(key, [])]


def _describe_each(
    identifiers: Iterable[str],
    describe: Callable[[str], Mapping[str, Any]],
    to_resource: Callable[[Mapping[str, Any]], CollectedResource],
    pool: Executor,
    progress: ProgressTracker,
) -> list[CollectedResource]:
    identifiers = list(identifiers)
    progress.expect(len(identifiers))

    def one(identifier: str) -> CollectedResource | None:
        try:
            response = describe(identifier)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in GONE_ERROR_CODES:
                return None
            raise
        finally:
            progress.advance()
        return to_resource(response)

    return [resource for resource in pool.map(one, identifiers) if resource is not None]
