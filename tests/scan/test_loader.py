"""Reading templates: short-form tags become the long form, every key keeps its line, bad input is named."""

from __future__ import annotations

from pathlib import Path

import pytest

from smguard.scan.errors import TemplateError
from smguard.scan.loader import load_template

YAML = """\
Resources:
  Notebook:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      KmsKeyId: !Ref Key
      SubnetId: !GetAtt Subnet.SubnetId
      RoleArn: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/r"
      RootAccess: !If [IsProd, Disabled, !Ref "AWS::NoValue"]
      Tags:
        - Key: team
          Value: !Join ["-", [!Select [0, !Split [",", "a,b"]], !FindInMap [M, !Ref Env, k]]]
      Other: !Base64 {"Fn::GetAZs": ""}
"""


BOMB = "Resources:\n  A:\n    Type: AWS::SageMaker::NotebookInstance\n    Properties:\n      L0: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"      L{level}: &{chr(97 + level)} [{', '.join([f'*{chr(96 + level)}'] * 9)}]\n" for level in range(1, 9)
)
"""A billion laughs: 9 ** 9 strings once every alias is expanded, from nine lines."""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_yaml_short_forms_become_the_long_form(tmp_path: Path) -> None:
    document = load_template(write(tmp_path, "t.yaml", YAML)).document
    properties = document["Resources"]["Notebook"]["Properties"]
    assert properties == {
        "KmsKeyId": {"Ref": "Key"},
        "SubnetId": {"Fn::GetAtt": ["Subnet", "SubnetId"]},
        "RoleArn": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/r"},
        "RootAccess": {"Fn::If": ["IsProd", "Disabled", {"Ref": "AWS::NoValue"}]},
        "Tags": [
            {
                "Key": "team",
                "Value": {
                    "Fn::Join": [
                        "-",
                        [
                            {"Fn::Select": [0, {"Fn::Split": [",", "a,b"]}]},
                            {"Fn::FindInMap": ["M", {"Ref": "Env"}, "k"]},
                        ],
                    ]
                },
            }
        ],
        "Other": {"Fn::Base64": {"Fn::GetAZs": ""}},
    }


def test_yaml_keys_keep_their_lines(tmp_path: Path) -> None:
    document = load_template(write(tmp_path, "t.yaml", YAML)).document
    assert document.key_lines == {"Resources": 1}
    assert document["Resources"].key_lines == {"Notebook": 2}
    assert document["Resources"]["Notebook"]["Properties"].key_lines == {
        "KmsKeyId": 5, "SubnetId": 6, "RoleArn": 7, "RootAccess": 8, "Tags": 9, "Other": 12,
    }  # fmt: skip


def test_json_keys_keep_their_lines(tmp_path: Path) -> None:
    text = '{\n  "Resources": {\n    "Vpc": {\n      "Type": "AWS::EC2::VPC",\n      "Properties": {"CidrBlock": "10.0.0.0/16"}\n    },\n    "Log":\n      {"Type": "AWS::EC2::FlowLog"}\n  }\n}\n'
    document = load_template(write(tmp_path, "t.json", text)).document
    assert document.key_lines == {"Resources": 2}
    assert document["Resources"].key_lines == {"Vpc": 3, "Log": 7}
    assert document["Resources"]["Vpc"].key_lines == {"Type": 4, "Properties": 5}
    assert document["Resources"]["Vpc"]["Properties"] == {"CidrBlock": "10.0.0.0/16"}


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("dup.yaml", "Resources:\n  A:\n    Type: X\n  A:\n    Type: Y\n", "dup.yaml:4: not valid YAML: duplicate key 'A' (first at line 2)"),
        ("dup.json", '{"Resources": {\n"A": {"Type": "X"},\n"A": {"Type": "Y"}}}', "dup.json:3: duplicate key 'A' (first at line 2)"),
        ("bad.yaml", "Resources:\n  A: [unclosed\n", "bad.yaml:3: not valid YAML: did not find expected ',' or ']'"),
        ("bad.json", '{"Resources": {\n  "A": }\n}', "bad.json:2: not valid JSON: Expecting value"),
        ("list.yaml", "- a\n- b\n", "list.yaml: a template is a mapping with a Resources section, not a list"),
        ("getatt.yaml", "Resources:\n  A:\n    Type: X\n    Properties:\n      P: !GetAtt NoDot\n", "getatt.yaml:5: not valid YAML: !GetAtt 'NoDot' is not LogicalId.Attribute"),
        ("alias.yaml", "Resources:\n  A: &props {Type: X}\n  B: *props\n", "alias.yaml:3: not valid YAML: alias *props: CloudFormation does not allow YAML aliases; write the value out"),
        ("scalar.yaml", "Resources:\n  A:\n    Type: &t X\n  B:\n    Type: *t\n", "scalar.yaml:5: not valid YAML: alias *t: CloudFormation does not allow YAML aliases; write the value out"),
        ("merge.yaml", "Resources:\n  A:\n    Type: X\n    Properties:\n      <<: {P: 1}\n", "merge.yaml:5: not valid YAML: merge key <<: CloudFormation does not allow YAML merge keys; write the keys out"),
        ("recursive.yaml", "Resources: &r\n  A: [*r]\n", "recursive.yaml:2: not valid YAML: alias *r: CloudFormation does not allow YAML aliases; write the value out"),
        ("bomb.yaml", BOMB, "bomb.yaml:6: not valid YAML: alias *a: CloudFormation does not allow YAML aliases; write the value out"),
    ],
)
def test_bad_templates_are_named_with_their_line(tmp_path: Path, name: str, text: str, message: str) -> None:
    with pytest.raises(TemplateError) as raised:
        load_template(write(tmp_path, name, text))
    assert str(raised.value) == f"{tmp_path}/{message}"


def test_an_anchor_without_alias_copies_nothing_and_is_accepted(tmp_path: Path) -> None:
    document = load_template(write(tmp_path, "anchor.yaml", "Resources:\n  A: &kept {Type: X}\n")).document
    assert document == {"Resources": {"A": {"Type": "X"}}}
