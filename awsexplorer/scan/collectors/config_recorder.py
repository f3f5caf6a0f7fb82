"""AWS Config: the region's configuration recorder, recording or not. One
DescribeConfigurationRecorders per region; the recorders' status only when one exists. A region
without a recorder gets one small record saying Config is off there (`present` False), so the
checks can tell "off" from "not read"."""

from __future__ import annotations

from typing import Any

from awsexplorer.model import Resource, kinds
from awsexplorer.model.calls import (
    CONFIG_DESCRIBE_CONFIGURATION_RECORDER_STATUS,
    CONFIG_DESCRIBE_CONFIGURATION_RECORDERS,
)
from awsexplorer.scan.collectors.base import CollectContext, collector, json_safe

OFF_ID = "config-off"  # the record of a region without a recorder


def _recorder(
    ctx: CollectContext, recorder: dict[str, Any], status: dict[str, Any] | None
) -> Resource:
    raw = json_safe(recorder)
    name = str(recorder.get("name") or "default")
    group = raw.get("recordingGroup") or {}
    recording = None if status is None else bool(status.get("recording"))
    return Resource(
        arn=ctx.arn("config", f"configuration-recorder/{name}"),
        type=kinds.CONFIG_RECORDER,
        id=name,
        name=name,
        region=ctx.region,
        attributes={
            **raw,
            **({"status": json_safe(status)} if status is not None else {}),
            "present": True,
            "enabled": recording,  # None: its status was not read (the error is recorded)
            "recording": recording,
            "all_supported": group.get("allSupported") if group else None,
            "include_global_resources": group.get("includeGlobalResourceTypes") if group else None,
            "last_status": None if status is None else status.get("lastStatus"),
            "last_error": None if status is None else status.get("lastErrorMessage"),
            "role": raw.get("roleARN"),
        },
    )


def off_record(ctx: CollectContext) -> Resource:
    return Resource(
        arn=ctx.arn("config", f"configuration-recorder/{OFF_ID}"),
        type=kinds.CONFIG_RECORDER,
        id=OFF_ID,
        name="AWS Config: no recorder",
        region=ctx.region,
        attributes={
            "present": False,
            "enabled": False,
            "recording": False,
            "all_supported": None,
            "include_global_resources": None,
            "last_status": None,
            "last_error": None,
            "role": None,
        },
    )


@collector(
    service="config",
    calls=[CONFIG_DESCRIBE_CONFIGURATION_RECORDERS, CONFIG_DESCRIBE_CONFIGURATION_RECORDER_STATUS],
    types=[kinds.CONFIG_RECORDER],
)
async def collect_recorders(ctx: CollectContext) -> list[Resource]:
    listed = await ctx.call(CONFIG_DESCRIBE_CONFIGURATION_RECORDERS)
    recorders = listed.get("ConfigurationRecorders") or []
    if not recorders:
        return [off_record(ctx)]
    answer = await ctx.try_call(CONFIG_DESCRIBE_CONFIGURATION_RECORDER_STATUS)
    statuses = (
        None
        if answer is None
        else {str(s.get("name")): s for s in answer.get("ConfigurationRecordersStatus") or []}
    )
    return [
        _recorder(
            ctx,
            r,
            None if statuses is None else statuses.get(str(r.get("name")), {"recording": False}),
        )
        for r in recorders
    ]
