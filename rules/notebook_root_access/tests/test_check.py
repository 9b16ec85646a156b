import pytest

from smguard.rules.notebook_root_access.check import NotebookRootAccessParameters, check
from smguard.engine import Compliance, Resource, Verdict

FIX = "set RootAccess to Disabled (stop the notebook, then UpdateNotebookInstance)."
NO_PARAMETERS = NotebookRootAccessParameters()
APPROVED = NotebookRootAccessParameters(allowed_lifecycle_configs=("approved-setup", "conda-env"))


def notebook(**configuration):
    return Resource("AWS::SageMaker::NotebookInstance", "nb-1", {"NotebookInstanceName": "nb-1", **configuration})


def test_root_access_disabled_is_compliant():
    assert check(notebook(RootAccess="Disabled"), NO_PARAMETERS) == Verdict(Compliance.COMPLIANT, "RootAccess is Disabled.")


def test_root_access_enabled_is_non_compliant():
    assert check(notebook(RootAccess="Enabled"), NO_PARAMETERS) == Verdict(
        Compliance.NON_COMPLIANT, f"RootAccess is Enabled; {FIX}"
    )


def test_absent_root_access_takes_the_api_default_enabled():
    assert check(notebook(), NO_PARAMETERS) == Verdict(
        Compliance.NON_COMPLIANT, f"RootAccess is absent (defaults to Enabled); {FIX}"
    )


@pytest.mark.parametrize(
    ("value", "shown"), [(None, "absent (defaults to Enabled)"), ("disabled", "disabled"), ("", "empty"), (False, "false"), (["Disabled"], "['Disabled']")]
)
def test_unreadable_values_are_never_compliant(value, shown):
    assert check(notebook(RootAccess=value), NO_PARAMETERS) == Verdict(Compliance.NON_COMPLIANT, f"RootAccess is {shown}; {FIX}")


def test_without_an_allow_list_the_lifecycle_configuration_is_named_as_not_checked():
    assert check(notebook(RootAccess="Disabled", LifecycleConfigName="anything"), NO_PARAMETERS) == Verdict(
        Compliance.COMPLIANT,
        "RootAccess is Disabled; lifecycle configuration anything is not checked (AllowedLifecycleConfigs is not set).",
    )


@pytest.mark.parametrize("parameters", [NO_PARAMETERS, APPROVED])
def test_an_empty_lifecycle_configuration_name_means_none_is_attached(parameters):
    assert check(notebook(RootAccess="Disabled", LifecycleConfigName=""), parameters) == Verdict(
        Compliance.COMPLIANT, "RootAccess is Disabled."
    )


def test_a_mistyped_lifecycle_configuration_name_is_not_in_the_allow_list():
    assert check(notebook(RootAccess="Disabled", LifecycleConfigName=["conda-env"]), APPROVED) == Verdict(
        Compliance.NON_COMPLIANT,
        "LifecycleConfigName ['conda-env'] is not in AllowedLifecycleConfigs (approved-setup, conda-env); "
        "it runs as root: attach an approved one.",
    )


def test_an_approved_lifecycle_configuration_is_compliant():
    assert check(notebook(RootAccess="Disabled", LifecycleConfigName="conda-env"), APPROVED) == Verdict(
        Compliance.COMPLIANT, "RootAccess is Disabled; lifecycle configuration conda-env is approved."
    )


def test_no_lifecycle_configuration_is_compliant_with_an_allow_list():
    assert check(notebook(RootAccess="Disabled"), APPROVED) == Verdict(Compliance.COMPLIANT, "RootAccess is Disabled.")


def test_an_unapproved_lifecycle_configuration_is_non_compliant():
    assert check(notebook(RootAccess="Disabled", LifecycleConfigName="curl-pipe-bash"), APPROVED) == Verdict(
        Compliance.NON_COMPLIANT,
        "LifecycleConfigName curl-pipe-bash is not in AllowedLifecycleConfigs (approved-setup, conda-env); "
        "it runs as root: attach an approved one.",
    )


def test_both_findings_are_reported_together():
    verdict = check(notebook(RootAccess="Enabled", LifecycleConfigName="curl-pipe-bash"), APPROVED)
    assert verdict == Verdict(
        Compliance.NON_COMPLIANT,
        f"RootAccess is Enabled; {FIX} LifecycleConfigName curl-pipe-bash is not in AllowedLifecycleConfigs "
        "(approved-setup, conda-env); it runs as root: attach an approved one.",
    )
