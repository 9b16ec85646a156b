"""Lambda entry point of the notebook_root_access rule."""

from __future__ import annotations

from .check import NotebookRootAccessParameters, check
from smguard.engine import Remediation, RuleHandler, SmguardRule


class NotebookRootAccess(SmguardRule):
    resource_types = ("AWS::SageMaker::NotebookInstance",)
    parameters = NotebookRootAccessParameters
    remediation = Remediation(
        runbook="AWS-DisableSageMakerNotebookRootAccess",
        resource_id_parameter="NotebookInstanceName",
        actions=(
            "ssm:StartAutomationExecution",
            "ssm:GetAutomationExecution",
            "sagemaker:DescribeNotebookInstance",
            "sagemaker:StartNotebookInstance",
            "sagemaker:StopNotebookInstance",
            "sagemaker:UpdateNotebookInstance",
        ),
        reference="https://docs.aws.amazon.com/systems-manager-automation-runbooks/latest/userguide/AWS-DisableSageMakerNotebookRootAccess.html",
        static_parameters={"StartInstanceAfterUpdate": "true"},
        interrupts="stops the notebook instance, ending its users' sessions and running kernels, then starts it again",
    )

    check = staticmethod(check)


lambda_handler = RuleHandler(NotebookRootAccess())
