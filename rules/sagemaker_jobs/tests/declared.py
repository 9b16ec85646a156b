"""What the suite's tests across all rules need to know about sagemaker_jobs, declared in its folder.

``NEEDED`` is read by the hostile suite (tests/hostile/declared.py), ``DEMO`` by the demo's test
(tests/cli/test_demo.py); a copy of this folder carries them. A job's "recorded" configuration is
its Describe answer (smguard.resources.jobs), so the needed properties are the Describe API's.
"""

from __future__ import annotations

from smguard.resources.types import auto_ml_job, hyper_parameter_tuning_job, labeling_job, processing_job, training_job, transform_job
from tests.hostile.needed import ID_LIST, KEY_ARN, REFERENCE, SUBNET_ID, Needed

NEEDED = {
    training_job.TYPE.name: (
        Needed("ResourceConfig.VolumeKmsKeyId", KEY_ARN, REFERENCE),
        Needed("OutputDataConfig.KmsKeyId", KEY_ARN, REFERENCE),
        Needed("EnableInterContainerTrafficEncryption", True),
        Needed("EnableNetworkIsolation", True),
        Needed("VpcConfig.Subnets", [SUBNET_ID], ID_LIST),
    ),
    processing_job.TYPE.name: (
        Needed("ProcessingResources.ClusterConfig.VolumeKmsKeyId", KEY_ARN, REFERENCE),
        Needed("ProcessingOutputConfig.KmsKeyId", KEY_ARN, REFERENCE),
        Needed("NetworkConfig.EnableInterContainerTrafficEncryption", True),
        Needed("NetworkConfig.EnableNetworkIsolation", True),
        Needed("NetworkConfig.VpcConfig.Subnets", [SUBNET_ID], ID_LIST),
    ),
    transform_job.TYPE.name: (
        Needed("TransformResources.VolumeKmsKeyId", KEY_ARN, REFERENCE),
        Needed("TransformOutput.KmsKeyId", KEY_ARN, REFERENCE),
    ),
    hyper_parameter_tuning_job.TYPE.name: (
        Needed("TrainingJobDefinition.ResourceConfig.VolumeKmsKeyId", KEY_ARN, REFERENCE),
        Needed("TrainingJobDefinition.OutputDataConfig.KmsKeyId", KEY_ARN, REFERENCE),
        Needed("TrainingJobDefinition.EnableInterContainerTrafficEncryption", True),
        Needed("TrainingJobDefinition.EnableNetworkIsolation", True),
        Needed("TrainingJobDefinition.VpcConfig.Subnets", [SUBNET_ID], ID_LIST),
    ),
    auto_ml_job.TYPE.name: (
        Needed("SecurityConfig.VolumeKmsKeyId", KEY_ARN, REFERENCE),
        Needed("OutputDataConfig.KmsKeyId", KEY_ARN, REFERENCE),
        Needed("SecurityConfig.EnableInterContainerTrafficEncryption", True),
        Needed("SecurityConfig.VpcConfig.Subnets", [SUBNET_ID], ID_LIST),
    ),
    labeling_job.TYPE.name: (
        Needed("LabelingJobAlgorithmsConfig.LabelingJobResourceConfig.VolumeKmsKeyId", KEY_ARN, REFERENCE),
        Needed("OutputConfig.KmsKeyId", KEY_ARN, REFERENCE),
    ),
}
"""The Describe properties the check cannot decide COMPLIANT without, and the value that satisfies each
(the labeling job's sample uses automated labeling, where the volume key is needed)."""

DEMO = (6, 6, 1)
"""What the rule reports in `smguard demo`'s account (smguard/demo/environment.py), before the central
register's exemptions: (compliant, non-compliant, not applicable): one compliant and one non-compliant
job of each kind, and the window the run read, recorded on the account."""
