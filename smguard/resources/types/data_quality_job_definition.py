"""AWS::SageMaker::DataQualityJobDefinition, recorded in CloudFormation shape; its Config id is its name.

Everything but its kind is shared with the other Model Monitor job definitions (smguard/resources/monitoring.py);
SageMaker API Reference, CreateDataQualityJobDefinition: the app specification needs only ImageUri and the
job input no ground truth.
"""

from __future__ import annotations

from smguard.resources import monitoring


class DataQualityJobDefinition(monitoring.JobDefinitionType):
    kind = "DataQuality"


TYPE = DataQualityJobDefinition()
