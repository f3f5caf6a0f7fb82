"""Queues and topics: one queue with a dead-letter queue, one without."""

from __future__ import annotations

import json

from awsexplorer.demo._aws import PRODUCTION, SHARED, Aws, tags

ORDERS_QUEUE = "orders-queue"
ORDERS_DLQ = "orders-dlq"
QUEUE_WITHOUT_DLQ = "email-notifications"


def build_messaging(aws: Aws) -> dict[str, str]:
    """Returns topic ARNs by name (the audit area sends alarms to one)."""
    sqs = aws("sqs", PRODUCTION)
    env = "production"
    dlq_url = sqs.create_queue(QueueName=ORDERS_DLQ, tags=tags(environment=env))["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    # Look-alike: failed messages go to the dead-letter queue after 5 tries.
    queue_url = sqs.create_queue(
        QueueName=ORDERS_QUEUE,
        Attributes={
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 5}),
            "SqsManagedSseEnabled": "true",
        },
        tags=tags(environment=env),
    )["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    # Pitfall: no dead-letter queue: a poison message is retried until it expires, unseen.
    sqs.create_queue(QueueName=QUEUE_WITHOUT_DLQ, tags=tags(environment=env, project="mail"))

    sns = aws("sns", PRODUCTION)
    orders_topic = sns.create_topic(
        Name="orders-events",
        Tags=[{"Key": k, "Value": v} for k, v in tags(environment=env).items()],
    )["TopicArn"]
    sns.subscribe(TopicArn=orders_topic, Protocol="sqs", Endpoint=queue_arn)
    # Alarm topics: an alarm can only notify a topic in its own region.
    prod_alerts = sns.create_topic(
        Name="prod-ops-alerts",
        Tags=[{"Key": k, "Value": v} for k, v in tags(environment=env).items()],
    )["TopicArn"]
    shared_alerts = aws("sns", SHARED).create_topic(
        Name="ops-alerts",
        Tags=[{"Key": k, "Value": v} for k, v in tags(environment="shared").items()],
    )["TopicArn"]
    return {
        "orders-events": orders_topic,
        "prod-ops-alerts": prod_alerts,
        "ops-alerts": shared_alerts,
    }
