"""AWS::SageMaker::ModelQualityJobDefinition, recorded in CloudFormation shape; its Config id is its name.

Everything but its kind is shared with the other Model Monitor job definitions (smguard/resources/monitoring.py);
SageMaker API Reference, CreateModelQualityJobDefinition: ModelQualityAppSpecification requires
ProblemType and ModelQualityJobInput requires GroundTruthS3Input.
"""

from __future__ import annotations

from smguard.resources import monitoring


class ModelQualityJobDefinition(monitoring.JobDefinitionType):
    kind = "ModelQuality"
    app_specification = {"ProblemType": "BinaryClassification"}
    ground_truth = True


TYPE = ModelQualityJobDefinition()
