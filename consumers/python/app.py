"""The main example system (examples/three-tier), as a Python user writes it.

It uses only the packed wheel of cdk-three-tier, aws-cdk-lib, constructs and cdk-nag from PyPI,
and synthesizes without the CDK CLI: python app.py [outdir]. scripts/consumers.sh compares its
templates with those of the TypeScript example.
"""
import os
import sys
from pathlib import Path

from aws_cdk import (
    Acknowledgment,
    App,
    CfnOutput,
    Environment,
    Stack,
    Validations,
    aws_ecr_assets as ecr_assets,
    aws_ecs as ecs,
    aws_secretsmanager as secretsmanager,
)
from cdk_nag import AwsSolutionsChecks
from cdk_three_tier import (
    CostProfile,
    ImageRepositoryOptions,
    PrometheusOptions,
    TargetHealthCheck,
    ThreeTierApp,
    ThreeTierEdgeStack,
    ThreeTierServiceDefinition,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def slack_webhook_secret(stack: Stack) -> secretsmanager.Secret:
    """The Slack webhook URL secret, with the findings it is meant to have acknowledged."""
    secret = secretsmanager.Secret(stack, "SlackWebhook", description="Slack incoming webhook URL")
    reason = "A Slack webhook URL is rotated in Slack, not by Secrets Manager; the default key is enough for it."
    packs = ["NIST.800.53.R5", "HIPAA.Security", "PCI.DSS.321"]
    rules = ["AwsSolutions-SMG4"] + [
        f"{pack}-{rule}" for rule in ["SecretsManagerRotationEnabled", "SecretsManagerUsingKMSKey"] for pack in packs
    ]
    for rule in rules:
        Validations.of(secret).acknowledge(Acknowledgment(id=rule, reason=reason))
    # cdk-nag 2 reads its suppressions from the resource's metadata.
    secret.node.default_child.add_metadata("cdk_nag", {"rules_to_suppress": [{"id": r, "reason": reason} for r in rules]})
    return secret


def build(app: App) -> None:
    account = os.environ.get("CDK_DEFAULT_ACCOUNT")

    # quickstart:start
    # us-east-1: the WAF web ACL CloudFront takes; Seoul: everything else.
    edge = ThreeTierEdgeStack(app, "ThreeTierEdge", env=Environment(account=account, region="us-east-1"))
    stack = Stack(app, "ThreeTierSystem", env=Environment(account=account, region="ap-northeast-2"),
                  cross_region_references=True)

    system = ThreeTierApp(
        stack, "System",
        profile=CostProfile.development(),
        edge=edge,
        site_directory=str(EXAMPLES / "three-tier" / "site"),
        slack_webhook_secret=slack_webhook_secret(stack),
        services=[ThreeTierServiceDefinition(
            id="Items",
            image=ecs.ContainerImage.from_asset(
                str(EXAMPLES / "items-service"), platform=ecr_assets.Platform.LINUX_ARM64),
            container_port=8080,
            health_check=TargetHealthCheck(path="/healthz"),
            user="1000:1000",
            scratch_paths=[],
            cpu_architecture=ecs.CpuArchitecture.ARM64,
            environment={"ITEMS_STORE": "postgres", "BASE_PATH": "/api"},
            path_patterns=["/api/*"],
            prometheus=PrometheusOptions(),
            enable_execute_command=True,
            image_repository=ImageRepositoryOptions(repository_name="items-service"),
        )],
    )
    # quickstart:end
    items = system.app_tier.services[0]

    CfnOutput(stack, "Url", value=system.url)
    CfnOutput(stack, "ItemsApi", value=f"{system.url}/api/items")
    CfnOutput(stack, "Dashboard", value=system.dashboard.dashboard_name)
    CfnOutput(stack, "AlarmTopic", value=system.alarm_topic.topic_arn)
    CfnOutput(stack, "PrometheusWorkspace", value=items.prometheus_workspace.attr_prometheus_endpoint)
    CfnOutput(stack, "ImageRepository", value=items.image_repository.repository.repository_uri)
    CfnOutput(stack, "AthenaWorkGroup", value=system.log_archive.work_group_name)


def unacknowledged_findings(app: App) -> list:
    """AwsSolutions over every stack, as cdk-nag 3 runs on aws-cdk-lib 2.257 (validate_scope)."""
    findings = []
    for stack in (c for c in app.node.find_all() if Stack.is_stack(c)):
        for violation in AwsSolutionsChecks().validate_scope(stack).violations:
            findings += [f"{violation.rule_name} on {r.construct_path}" for r in violation.violating_resources]
    return findings


if __name__ == "__main__":
    app = App(outdir=sys.argv[1] if len(sys.argv) > 1 else "cdk.out")
    build(app)
    app.synth()
    findings = unacknowledged_findings(app)
    for finding in findings:
        print(finding, file=sys.stderr)
    if findings:
        sys.exit(f"python: {len(findings)} unacknowledged AwsSolutions finding(s)")
    print("python: synthesized, AwsSolutions clean")
