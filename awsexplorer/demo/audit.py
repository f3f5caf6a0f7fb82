"""CloudTrail and CloudWatch: a trail in one region only, and alarms but none on billing."""

from __future__ import annotations

from awsexplorer.demo._aws import PRODUCTION, SHARED, Aws, tag_list, tags
from awsexplorer.demo.data import ORDERS_DB
from awsexplorer.demo.storage import TRAIL_BUCKET

TRAIL_NAME = "management-events"


def build_audit(aws: Aws, topics: dict[str, str]) -> None:
    # Pitfall: the only trail covers us-east-1 alone: activity in eu-west-1 goes unrecorded.
    cloudtrail = aws("cloudtrail", SHARED)
    cloudtrail.create_trail(
        Name=TRAIL_NAME,
        S3BucketName=TRAIL_BUCKET,
        IsMultiRegionTrail=False,
        IncludeGlobalServiceEvents=True,
        TagsList=tag_list(tags(environment="shared", project="audit", owner="security-team")),
    )
    cloudtrail.start_logging(Name=TRAIL_NAME)
    # Alarms exist, but none on AWS/Billing EstimatedCharges (pitfall: no billing alarm).
    aws("cloudwatch", PRODUCTION).put_metric_alarm(
        AlarmName="orders-db-cpu-high",
        Namespace="AWS/RDS",
        MetricName="CPUUtilization",
        Dimensions=[{"Name": "DBInstanceIdentifier", "Value": ORDERS_DB}],
        Statistic="Average",
        Period=300,
        EvaluationPeriods=3,
        Threshold=80.0,
        ComparisonOperator="GreaterThanThreshold",
        AlarmActions=[topics["prod-ops-alerts"]],
    )
    aws("cloudwatch", SHARED).put_metric_alarm(
        AlarmName="ci-runner-status-check",
        Namespace="AWS/EC2",
        MetricName="StatusCheckFailed",
        Statistic="Maximum",
        Period=60,
        EvaluationPeriods=2,
        Threshold=1.0,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        AlarmActions=[topics["ops-alerts"]],
    )
