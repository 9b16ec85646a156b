"""AWS::SageMaker::ModelExplainabilityJobDefinition, recorded in CloudFormation shape; its Config id is its name.

Everything but its kind is shared with the other Model Monitor job definitions (smguard/resources/monitoring.py);
SageMaker API Reference, CreateModelExplainabilityJobDefinition: ModelExplainabilityAppSpecification
requires ConfigUri (the analysis configuration); the job input has no ground truth.
"""

from __future__ import annotations

from smguard.resources import monitoring
from smguard.resources.base import SAMPLE_ACCOUNT


class ModelExplainabilityJobDefinition(monitoring.JobDefinitionType):
    kind = "ModelExplainability"
    app_specification = {"ConfigUri": f"s3://monitoring-{SAMPLE_ACCOUNT}/config/explainability-analysis.json"}


TYPE = ModelExplainabilityJobDefinition()
