"""SageMaker endpoint configurations in the embedded AWS: the fields moto 5.2.5 leaves out.

moto's CreateEndpointConfig drops ``EnableNetworkIsolation``, ``VpcConfig``, ``ExecutionRoleArn``
and ``ShadowProductionVariants``, and fails on a production variant without ``ModelName``, which
is how a configuration for inference components is written. AWS documents all of them (SageMaker
API Reference): CreateEndpointConfig takes and DescribeEndpointConfig returns the four fields
(https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateEndpointConfig.html,
https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeEndpointConfig.html), and a
ProductionVariant's ``ModelName`` is "Required: No"
(https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariant.html).

``install()`` makes CreateEndpointConfig keep them and DescribeEndpointConfig return them. A
variant (production or shadow) that names a model still needs that model to exist, as in moto and
AWS ("Could not find model"); what else AWS requires of an inference-component configuration is
not modelled, and the demo gives what AWS's own examples give (an ExecutionRoleArn).
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult
from moto.sagemaker.exceptions import ValidationError
from moto.sagemaker.models import SageMakerModelBackend, arn_formatter
from moto.sagemaker.responses import SageMakerResponse

KEPT = (
    ("EnableNetworkIsolation", "enable_network_isolation"),
    ("VpcConfig", "vpc_config"),
    ("ExecutionRoleArn", "execution_role_arn"),
    ("ShadowProductionVariants", "shadow_production_variants"),
)
"""Request field -> attribute of moto's endpoint configuration; moto's describe returns every
attribute under its CamelCase name and leaves out those that are None."""


def _validate_production_variants(self: SageMakerModelBackend, production_variants: list[dict[str, Any]]) -> None:
    for variant in production_variants:
        name = variant.get("ModelName")
        if name is not None and name not in self._models:
            arn = arn_formatter("model", name, self.account_id, self.region_name)
            raise ValidationError(message=f"Could not find model '{arn}'.")


def _create_endpoint_config(self: SageMakerResponse) -> ActionResult:
    shadow = self._get_param("ShadowProductionVariants")
    if shadow:
        _validate_production_variants(self.sagemaker_backend, shadow)
    endpoint_config = self.sagemaker_backend.create_endpoint_config(
        endpoint_config_name=self._get_param("EndpointConfigName"),
        async_inference_config=self._get_param("AsyncInferenceConfig"),
        production_variants=self._get_param("ProductionVariants"),
        data_capture_config=self._get_param("DataCaptureConfig"),
        tags=self._get_param("Tags"),
        kms_key_id=self._get_param("KmsKeyId"),
    )
    for field, attribute in KEPT:
        setattr(endpoint_config, attribute, self._get_param(field))
    return ActionResult({"EndpointConfigArn": endpoint_config.endpoint_config_arn})


def install() -> None:
    """Idempotent; affects every moto SageMaker backend in the process."""
    SageMakerModelBackend.validate_production_variants = _validate_production_variants  # type: ignore[method-assign]
    SageMakerResponse.create_endpoint_config = _create_endpoint_config  # type: ignore[method-assign]
