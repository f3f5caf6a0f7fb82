"""ArnIndex behaves as the dict of resources by ARN it replaces (same answers, same order), while
no dict of it holds more than a share of them (none grows in one long step)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from awsexplorer.model import Resource
from awsexplorer.model.arn_numbers import SHARDS
from awsexplorer.ui.arn_index import ArnIndex


def resource(arn: str, name: str = "") -> Resource:
    return Resource(
        arn=arn,
        id=arn.rsplit("/", 1)[-1],
        type="ec2:instance",
        region="eu-west-1",
        name=name or arn,
    )


ARNS = st.sampled_from([f"arn:aws:ec2:eu-west-1:123456789012:instance/i-{n}" for n in range(40)])
OPERATIONS = st.lists(
    st.tuples(st.sampled_from(["set", "pop"]), ARNS, st.integers(0, 3)), max_size=200
)


def same(index: ArnIndex, model: dict[str, Resource]) -> None:
    assert list(index.values()) == list(model.values())
    assert len(index) == len(index.values()) == len(model)
    assert bool(index) == bool(model)
    probe = [*model, "arn:aws:s3:::not-there"]
    assert list(index.get_many(probe)) == [model.get(arn) for arn in probe]
    for arn in probe:
        assert index.get(arn) is model.get(arn)
        assert (arn in index) == (arn in model)
    assert all(r in index.values() for r in model.values())


@settings(max_examples=150, deadline=None)
@given(OPERATIONS)
def test_it_answers_as_a_dict_after_any_additions_replacements_and_removals(
    operations: list[tuple[str, str, int]],
) -> None:
    index, model = ArnIndex(), {}
    for operation, arn, version in operations:
        if operation == "set":
            index[arn] = model[arn] = resource(arn, f"v{version}")
        else:
            assert index.pop(arn) is model.pop(arn, None)
        same(index, model)


def test_many_removals_are_compacted_and_it_still_answers_in_order() -> None:
    index, model = ArnIndex(), {}
    for n in range(5000):
        arn = f"arn:aws:ec2:eu-west-1:1:instance/i-{n}"
        index[arn] = model[arn] = resource(arn)
    walked = index.values()
    old = iter(walked)
    for n in range(5000):
        if n % 3:  # two of three removed: past half of the list are holes
            arn = f"arn:aws:ec2:eu-west-1:1:instance/i-{n}"
            assert index.pop(arn) is model.pop(arn)
    same(index, model)
    assert len(index._items) < 5000  # compacted: the holes are gone
    assert sum(1 for _ in old) > 0  # a walk begun before goes on, on the old list


def test_a_load_of_many_is_spread_and_a_repeated_arn_is_refused() -> None:
    resources = [resource(f"arn:aws:ec2:eu-west-1:1:instance/i-{n}") for n in range(50_000)]
    index = ArnIndex.of(resources)
    assert index is not None
    same(index, {r.arn: r for r in resources})
    # No dict holds much more than its share: the largest grows from 2/3 of its size in ~1 ms.
    assert max(map(len, index._positions._shards)) < 2 * len(resources) / SHARDS
    assert ArnIndex.of([*resources[:10], resources[3]]) is None
