"""AWS::SageMaker::ModelBiasJobDefinition, recorded in CloudFormation shape; its Config id is its name.

Everything but its kind is shared with the other Model Monitor job definitions (smguard/resources/monitoring.py);
SageMaker API Reference, CreateModelBiasJobDefinition: ModelBiasAppSpecification requires ConfigUri (the
analysis configuration) and ModelBiasJobInput requires GroundTruthS3Input.
"""

from __future__ import annotations

from smguard.resources import monitoring
from smguard.resources.base import SAMPLE_ACCOUNT


class ModelBiasJobDefinition(monitoring.JobDefinitionType):
    kind = "ModelBias"
    app_specification = {"ConfigUri": f"s3://monitoring-{SAMPLE_ACCOUNT}/config/bias-analysis.json"}
    ground_truth = True


TYPE = ModelBiasJobDefinition()
