"""The demo's ECS clusters count what runs in them, as AWS's DescribeClusters would.

moto leaves activeServicesCount at 0 and starts every service's tasks PENDING; the demo makes
moto's state what AWS reports for a steady service (demo/containers.py), and the scanner shows
DescribeClusters' counters as given. So a cluster's `services` fact agrees with the services
listed under it, in the API and in the snapshot.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from awsexplorer.demo import demo_config
from awsexplorer.demo._aws import DEMO_REGIONS, FAR_AWAY
from awsexplorer.model import kinds
from awsexplorer.scan.runner import scan

# What the demo runs: cluster -> {service: desired tasks} (demo/containers.py).
RUNNING = {
    "prod-orders": {"orders-api": 2, "orders-worker": 2},
    "load-test": {"load-test-runner": 4},
}


@pytest.mark.parametrize("region", DEMO_REGIONS)
def test_describe_clusters_counts_the_services_it_lists(
    demo_aws: Callable[..., Any], region: str
) -> None:
    ecs = demo_aws("ecs", region)
    arns = ecs.list_clusters()["clusterArns"]
    for cluster in ecs.describe_clusters(clusters=arns)["clusters"] if arns else []:
        listed = ecs.list_services(cluster=cluster["clusterArn"])["serviceArns"]
        services = (
            ecs.describe_services(cluster=cluster["clusterArn"], services=listed)["services"]
            if listed
            else []
        )
        name = cluster["clusterName"]
        assert {s["serviceName"]: s["desiredCount"] for s in services} == RUNNING[name]
        assert cluster["activeServicesCount"] == len(services), name
        assert cluster["runningTasksCount"] == sum(s["runningCount"] for s in services), name
        assert cluster["pendingTasksCount"] == 0, name
        for service in services:
            assert service["runningCount"] == service["desiredCount"], service["serviceName"]
            assert service["pendingCount"] == 0
            assert [d["rolloutState"] for d in service["deployments"]] == ["COMPLETED"]


def test_the_scanned_cluster_shows_the_service_listed_under_it() -> None:
    result = asyncio.run(scan(demo_config((FAR_AWAY,))))
    clusters = [r for r in result.resources if r.type == kinds.ECS_CLUSTER]
    services = [r for r in result.resources if r.type == kinds.ECS_SERVICE]
    assert [c.name for c in clusters] == ["load-test"]
    (cluster,) = clusters
    assert [s.attributes["cluster"] for s in services] == [cluster.arn]
    assert cluster.attributes["active_services"] == 1
    assert cluster.attributes["running_tasks"] == 4
    assert cluster.attributes["pending_tasks"] == 0
    # The tree's state column and the detail pane's facts read these same attributes.
    assert kinds.state_of(services[0]) == "4/4 running"
    facts = {f.label: f.path for f in kinds.kind_of(kinds.ECS_CLUSTER).facts}
    assert facts["services"] == ("active_services",)
