"""EC2 launch templates (what Auto Scaling groups and node groups start instances from)."""

from __future__ import annotations

from typing import Any

from awsexplorer.model import Resource, kinds
from awsexplorer.model.calls import EC2_DESCRIBE_LAUNCH_TEMPLATES
from awsexplorer.scan.collectors.base import (
    CollectContext,
    attributes_of,
    collector,
    display_name,
    tags_of,
)


def _template(ctx: CollectContext, template: dict[str, Any]) -> Resource:
    template_id = str(template["LaunchTemplateId"])
    natural = str(template.get("LaunchTemplateName") or template_id)
    tags = tags_of(template)
    attributes = attributes_of(template)
    attributes.update(
        {
            "default_version": template.get("DefaultVersionNumber"),
            "latest_version": template.get("LatestVersionNumber"),
        }
    )
    return Resource(
        arn=ctx.arn("ec2", f"launch-template/{template_id}"),
        type=kinds.LAUNCH_TEMPLATE,
        id=template_id,
        name=display_name(tags, natural, template_id),
        region=ctx.region,
        tags=tags,
        attributes=attributes,
    )


@collector(
    service="ec2",
    calls=[EC2_DESCRIBE_LAUNCH_TEMPLATES],
    types=[kinds.LAUNCH_TEMPLATE],
    name="ec2.launch_templates",
)
async def collect_launch_templates(ctx: CollectContext) -> list[Resource]:
    templates = await ctx.paginate_all(EC2_DESCRIBE_LAUNCH_TEMPLATES, "LaunchTemplates")
    return [_template(ctx, t) for t in templates]
