"""How the TUI copes with a big account: 100,000 resources over 20 regions.

    python benchmarks/ui_bench.py                 # 100,000 resources, 20 regions
    python benchmarks/ui_bench.py --resources 20000

Writes a synthetic snapshot (awsexplorer.snapshot, analysed like a real scan) with one type
holding 10,000 resources, then, in a child process so its peak memory is its own, opens it in
the app (`cli.make_app(AppOptions(snapshot=...))` under `App.run_test`, 120x40, headless) and
measures: time to open and paint the first frame (reading the file first, as the CLI does),
time to expand the 10,000-resource type, the latency of every key press while scrolling, and
peak memory. Targets: open under 2 s, every key under 100 ms, under 600 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib

ACCOUNT_ID = "123456789012"
REGIONS = (*benchlib.DEFAULT_REGIONS, "af-south-1", "ap-east-1", "me-south-1")
BIG_REGION, BIG_TYPE, BIG_COUNT = "us-east-1", "ec2:instance", 10_000
TYPES = (
    "ec2:instance",
    "ec2:volume",
    "ec2:network-interface",
    "ec2:security-group",
    "ec2:subnet",
    "ec2:route-table",
    "ec2:vpc",
    "ec2:elastic-ip",
    "sqs:queue",
    "lambda:function",
    "rds:db",
    "dynamodb:table",
)
TARGET_OPEN_S, TARGET_KEY_MS, TARGET_MB = 2.0, 100.0, 600.0


def synthetic_result(total: int, linked: bool = False) -> Any:
    """A ScanResult shaped like a large estate: realistic fields, VPC/subnet placement, tags.
    `linked`: the references point at resources the estate holds (see _link), so that the
    relationship index has edges to build, as a real account's has."""
    from awsexplorer.model import Account, RegionScan, RegionStatus, Resource, ScanResult

    def tags(kind: str, n: int) -> dict[str, str]:
        # Well kept, as big estates tend to be: one resource in ten lacks an owner tag.
        found = {"Name": f"{kind}-{n}", "project": f"p{n % 12}", "environment": "prod"}
        if n % 10:
            found["owner"] = f"team-{n % 7}"
        return found

    def resource(region: str, rtype: str, n: int) -> Resource:
        service, kind = rtype.split(":")
        rid = f"{kind[:3]}-{n:08x}"
        vpc = f"vpc-{n % 50:04x}"
        return Resource(
            arn=f"arn:aws:{service}:{region}:{ACCOUNT_ID}:{kind}/{rid}",
            type=rtype,
            id=rid,
            name=f"{kind}-{n}",
            region=region,
            vpc_id=vpc if service == "ec2" else None,
            subnet_id=f"subnet-{n % 200:04x}" if rtype == "ec2:instance" else None,
            tags=tags(kind, n),
            attributes={
                "State": {"Name": "running"},
                "InstanceType": "m5.large",
                "LaunchTime": "2024-03-01T12:00:00Z",
                "PrivateIpAddress": f"10.{n % 250}.{n // 250 % 250}.{n % 200}",
                "Encrypted": n % 3 != 0,
            },
        )

    resources = [resource(BIG_REGION, BIG_TYPE, n) for n in range(BIG_COUNT)]
    combos = [(r, t) for r in REGIONS for t in TYPES if (r, t) != (BIG_REGION, BIG_TYPE)]
    n = BIG_COUNT
    while len(resources) < total:
        region, rtype = combos[n % len(combos)]
        resources.append(resource(region, rtype, n))
        n += 1
    if linked:
        _link(resources)
    return ScanResult(
        account=Account(ACCOUNT_ID, "big-estate", "aws", f"arn:aws:iam::{ACCOUNT_ID}:user/bench"),
        started_at="2026-01-01T00:00:00Z",
        finished_at="2026-01-01T00:01:00Z",
        regions=[RegionScan(r, RegionStatus.OK) for r in ("global", *REGIONS)],
        resources=resources,
    )


def _link(resources: list[Any]) -> None:
    """Each EC2 resource in a VPC the estate holds (in its region), each instance in one of its
    subnets with one of its security groups, each network interface and volume attached to one
    of its instances (with the interface's subnet and group): ~5 edges per instance."""
    by_region: dict[tuple[str, str], list[str]] = {}
    for r in resources:
        by_region.setdefault((r.region, r.type), []).append(r.id)

    def one(region: str, rtype: str, n: int) -> str | None:
        ids = by_region.get((region, rtype))
        return ids[n % len(ids)] if ids else None

    for n, r in enumerate(resources):
        if not r.type.startswith("ec2:") or r.type == "ec2:vpc":
            continue
        r.vpc_id = one(r.region, "ec2:vpc", n) or r.vpc_id
        if r.type in ("ec2:instance", "ec2:network-interface"):
            r.subnet_id = one(r.region, "ec2:subnet", n) or r.subnet_id
            group = one(r.region, "ec2:security-group", n)
            if group:
                key = "SecurityGroups" if r.type == "ec2:instance" else "Groups"
                r.attributes[key] = [{"GroupId": group, "GroupName": f"group-{n % 100}"}]
        if r.type in ("ec2:network-interface", "ec2:volume"):
            instance = one(r.region, "ec2:instance", n)
            if instance:
                r.attributes["attached_to"] = (
                    instance if r.type == "ec2:network-interface" else [instance]
                )


# -- what ui_bench and million_bench share: waiting for the first frame, timing keys -------------


def scroll_keys(presses: int) -> list[str]:
    """What a user does while looking around: `j` x presses, then paging, ends and back up."""
    return ["j"] * presses + ["pagedown"] * 10 + ["G", "g"] + ["k"] * 10


async def first_frame(pilot: Any, tree: Any, started: float, timeout: float) -> None:
    """Until the tree has its first nodes and the screen has been refreshed once with them."""
    while not tree.root.children:
        await pilot.pause(0.01)
        if time.perf_counter() - started > timeout:
            raise SystemExit("the tree never filled")
    await pilot.pause()  # one full refresh: the first frame with the tree's nodes in it


class Profiled:
    """cProfile (CPU time of the thread, so that a loaded machine does not skew it) of the
    thread it is started on (the UI thread: Textual runs the app on the
    benchmark's own event loop), written to DIR/NAME.prof on stop; nothing without a DIR.
    One profiler at a time per thread: stop it before KeyTimer profiles keys."""

    def __init__(self, directory: Path | None, name: str) -> None:
        self.path = directory / f"{name}.prof" if directory is not None else None
        self.profile = cProfile.Profile(time.thread_time) if self.path is not None else None
        if self.profile is not None:
            self.profile.enable()

    def stop(self) -> None:
        if self.profile is not None and self.path is not None:
            self.profile.disable()
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.profile.dump_stats(self.path)
            self.profile = None


class SentKey:
    """One key's times (perf_counter): sent, its binding's action done, its frame drawn."""

    def __init__(self, sent: float) -> None:
        self.sent = sent
        self.handled: float | None = None
        self.shown: float | None = None

    def latency_ms(self) -> float | None:
        return (self.shown - self.sent) * 1000 if self.shown is not None else None


class FrameProbe:
    """When the screen first shows a key: the wall time from the key's event being sent (as a
    terminal's driver sends it) to the end of the first frame drawn after the action its
    binding ran (`App.run_action`). This is the key's latency as its user sees it: it counts
    the work queued before the key (a snapshot's accounts being shown) and the interpreter
    shared with the workers, but not what the app does after the frame while Pilot waits for
    it to be idle. `settled`, if given, says when a frame shows all of the key (the detail
    pane following the tree's cursor, say): the first frame after the action for which it
    holds. Keys are handled in the order sent. One per app (KeyTimers share it)."""

    def __init__(self, app: Any) -> None:
        self.pending: list[SentKey] = []  # sent, not shown yet
        self.history: list[SentKey] = []  # every key sent
        self.settled: Callable[[], bool] | None = None
        driver, run_action, display = app._driver, app.run_action, app._display
        send = driver.send_message  # the app's own hook on it too, if it has one

        def send_message(message: Any) -> None:
            if type(message).__name__ == "Key":
                self.begin()
            send(message)

        async def action(*args: Any, **kwargs: Any) -> Any:
            result = await run_action(*args, **kwargs)
            key = next((k for k in self.pending if k.handled is None), None)
            if key is not None:
                key.handled = time.perf_counter()
            return result

        def frame(*args: Any, **kwargs: Any) -> None:
            display(*args, **kwargs)
            handled = [k for k in self.pending if k.handled is not None]
            if handled and (self.settled is None or self.settled()):
                now = time.perf_counter()
                for key in handled:
                    key.shown = now
                    self.pending.remove(key)

        driver.send_message = send_message
        app.run_action = action
        app._display = frame

    def begin(self) -> SentKey:
        """A key (or a command run as one) sent now."""
        key = SentKey(time.perf_counter())
        self.history.append(key)
        self.pending = [*self.pending[-9:], key]  # a key no action took is let go
        return key

    @classmethod
    def of(cls, app: Any) -> FrameProbe:
        probe = getattr(app, "_bench_frame_probe", None)
        if probe is None:
            probe = app._bench_frame_probe = cls(app)
        return probe


class HoldProbe:
    """How long the interpreter was held in one piece: a thread sleeps `TICK` s in a loop,
    and a wake-up later than `LATE` s means another thread held the interpreter (a C call
    over many objects, a collection) or the machine ran something else meanwhile. A key
    pressed in such a window waits that long before its work starts, whenever it comes: the
    timed keys only see the windows they happen to land in. Each late wake-up is kept with
    where the other threads were then (innermost frames first)."""

    TICK, LATE = 0.002, 0.03

    def __init__(self) -> None:
        self.holds: list[tuple[float, float, str, str]] = []  # (at s, ms, phase, where)
        self.phase = "before"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="hold-probe", daemon=True)

    def start(self) -> HoldProbe:
        self._started = time.perf_counter()
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        me = threading.get_ident()
        names: dict[int, str] = {}
        last, before = time.perf_counter(), self._where(me)
        while not self._stop.is_set():
            time.sleep(self.TICK)
            now, seen = time.perf_counter(), self._where(me)
            if now - last > self.LATE:
                # Who held it: a thread waiting for the interpreter has not moved since the
                # last look; the one that held it has (from the call that held it on).
                names.update((t.ident, t.name) for t in threading.enumerate())
                moved = [i for i, at in seen.items() if before.get(i) != at] or list(seen)
                where = "; ".join(
                    f"{names.get(i, i)}: {before.get(i, '?')} -> {seen[i]}" for i in moved
                )
                held = round((now - last) * 1000, 1)
                self.holds.append((round(now - self._started, 2), held, self.phase, where))
            last, before = now, seen

    @staticmethod
    def _where(me: int) -> dict[int, str]:
        """Each other thread's three innermost frames, innermost first."""
        # Read off the frames, not with traceback (its line cache stats every file: a look
        # every 2 ms kept the process busy enough to slow what is measured).
        where = {}
        for ident, frame in sys._current_frames().items():
            if ident != me:
                at: list[str] = []
                step: Any = frame
                while step is not None and len(at) < 3:
                    at.append(f"{step.f_code.co_name}:{step.f_lineno}")
                    step = step.f_back
                where[ident] = " < ".join(at)
        return where

    def worst(self, phases: Iterable[str]) -> list[tuple[float, float, str, str]]:
        """The longest holds in these phases, longest first."""
        wanted = set(phases)
        return sorted((h for h in self.holds if h[2] in wanted), key=lambda h: -h[1])


class KeyTimer:
    """Presses keys under Pilot and keeps, per press, the wall time until the screen has been
    refreshed and the UI thread's CPU for it (`time.thread_time`: the app's workers, such as
    the relationship index, run on other threads meanwhile and are not the key's work).

    Pilot settles after each key with idle waits (~60 ms on this machine even for a bare Tree),
    so wall time per press is an upper bound; headless, with no I/O, the UI thread's CPU
    (handling, layout, render) is the app's work for the key. With `profile_dir`, each key name
    is profiled (cProfile, the UI thread) into key-NAME.prof there; profiled times run slower.
    Besides, each key's latency: the wall time until the frame that shows it (FrameProbe).
    """

    def __init__(self, pilot: Any, profile_dir: Path | None = None) -> None:
        self.pilot = pilot
        self.profile_dir = profile_dir
        self.walls: list[float] = []
        self.cpus: list[float] = []
        self.names: list[str] = []
        self.latencies: list[tuple[str, float]] = []  # keys a frame followed
        self._profiles: dict[str, cProfile.Profile] = {}
        self._frames = FrameProbe.of(pilot.app)

    async def press(self, key: str, label: str | None = None) -> float:
        """Press `key`; returns the UI thread's CPU for it, in ms."""
        name = label or key
        profile = None
        if self.profile_dir is not None:
            profile = self._profiles.setdefault(name, cProfile.Profile(time.thread_time))
            profile.enable()
        mark = len(self._frames.history)  # the key Pilot sends is the next one
        t, c = time.perf_counter(), time.thread_time()
        await self.pilot.press(key)
        await self.pilot.pause()  # until the screen has been refreshed for this key
        self.walls.append((time.perf_counter() - t) * 1000)
        self.cpus.append((time.thread_time() - c) * 1000)
        if profile is not None:
            profile.disable()
        self.names.append(name)
        sent = self._frames.history[mark : mark + 1]
        latency = sent[0].latency_ms() if sent else None
        if latency is not None:
            self.latencies.append((name, latency))
        return self.cpus[-1]

    async def presses(self, keys: Iterable[str]) -> None:
        for key in keys:
            await self.press(key)

    def figures(self) -> dict[str, Any]:
        """p50, p95, the slowest and its key, of wall and CPU; the profiles written."""
        figures: dict[str, Any] = {"keys": len(self.cpus)}
        for kind, values in (("wall", self.walls), ("cpu", self.cpus)):
            figures[f"{kind}_p50_ms"] = statistics.median(values)
            figures[f"{kind}_p95_ms"] = sorted(values)[max(int(len(values) * 0.95) - 1, 0)]
            figures[f"{kind}_max_ms"] = max(values)
            figures[f"{kind}_slowest"] = self.names[values.index(max(values))]
        worst: dict[str, float] = {}
        for name, cpu in zip(self.names, self.cpus, strict=True):
            worst[name] = max(worst.get(name, 0.0), cpu)
        figures["cpu_max_by_key_ms"] = {n: round(c, 1) for n, c in worst.items()}
        shown = [ms for _, ms in self.latencies]
        figures["shown_keys"] = len(shown)
        if shown:
            figures["latency_p50_ms"] = statistics.median(shown)
            figures["latency_max_ms"] = max(shown)
            figures["latency_slowest"] = self.latencies[shown.index(max(shown))][0]
        if self.profile_dir is not None:
            self.profile_dir.mkdir(parents=True, exist_ok=True)
            for name, profile in self._profiles.items():
                safe = "".join(ch if ch.isalnum() else "_" for ch in name)
                profile.dump_stats(self.profile_dir / f"key-{safe}.prof")
        return figures


def print_keys(figures: dict[str, Any], what: str) -> None:
    """The key figures of KeyTimer.figures, CPU then wall."""
    for kind, label in (("cpu", "UI-thread CPU per key"), ("wall", "wall per key under Pilot")):
        print(
            f"{figures['keys']} key presses{what}, {label}: "
            f"p50 {figures[f'{kind}_p50_ms']:.1f} ms, p95 {figures[f'{kind}_p95_ms']:.1f} ms, "
            f"max {figures[f'{kind}_max_ms']:.1f} ms ({figures[f'{kind}_slowest']!r})"
        )


async def drive(path: Path, presses: int, profile_dir: Path | None = None) -> dict[str, Any]:
    """In the child: open the snapshot in the app and time what a user does first."""
    started = time.perf_counter()
    from awsexplorer import snapshot
    from awsexplorer.cli import make_app
    from awsexplorer.config import AppOptions
    from awsexplorer.ui.state import NodeRef
    from awsexplorer.ui.widgets.resource_tree import ResourceTree

    # As `awsexplorer --snapshot FILE` does (cli.app.run_tui): read the file before the app starts,
    # so a damaged file fails before the screen is taken, then hand the result to the app.
    loaded = snapshot.read(path)
    figures: dict[str, Any] = {"read_s": time.perf_counter() - started}
    opening = Profiled(profile_dir, "open")
    app = make_app(AppOptions(snapshot=path, loaded=loaded))
    del loaded  # the app's options keep it, as in the CLI
    async with app.run_test(size=(120, 40)) as pilot:
        tree = app.screen.query_one(ResourceTree)
        await first_frame(pilot, tree, started, timeout=60)
        opening.stop()
        figures["open_s"] = time.perf_counter() - started
        figures["regions_shown"] = len(tree.root.children)

        ref = NodeRef("type", region=BIG_REGION, service=BIG_TYPE.split(":")[0], type=BIG_TYPE)
        region_node = tree.node_for(NodeRef("region", region=BIG_REGION))
        assert region_node is not None, "no us-east-1 node"
        region_node.expand()
        service_node = tree.node_for(NodeRef("service", region=BIG_REGION, service="ec2"))
        assert service_node is not None
        service_node.expand()
        await pilot.pause()
        node = tree.node_for(ref)
        assert node is not None, "no node for the 10,000-resource type"
        tree.focus()
        tree.move_cursor(node)
        await pilot.pause()
        keys = KeyTimer(pilot, profile_dir)
        expand_wall = time.perf_counter()
        figures["expand_cpu_s"] = await keys.press("l", "l (expand the type)") / 1000
        figures["expand_s"] = time.perf_counter() - expand_wall
        figures["leaves_shown"] = len(node.children)
        await keys.presses([*scroll_keys(presses), "enter"])
        figures.update(keys.figures())
        await pilot.press("q")
    return figures


def write_snapshot(path: Path, total: int) -> dict[str, Any]:
    """In a child: build, analyse and write the synthetic snapshot, and time reading it back."""
    from awsexplorer import snapshot
    from awsexplorer.checks import analyse

    t = time.perf_counter()
    result = synthetic_result(total)
    t_analyse = time.perf_counter()
    result = analyse(result)
    analysed = time.perf_counter() - t_analyse
    snapshot.write(result, path)
    facts = {
        "resources": len(result.resources),
        "findings": len(result.findings),
        "size_mb": path.stat().st_size / 1e6,
        "built_s": time.perf_counter() - t,
        "analyse_s": analysed,
    }
    del result
    t = time.perf_counter()
    snapshot.read(path)
    facts["read_s"] = time.perf_counter() - t
    return facts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=100_000)
    parser.add_argument("--presses", type=int, default=200, help="j presses while scrolling")
    parser.add_argument(
        "--profile", type=Path, help="write cProfile files (open.prof, key-*.prof) to this folder"
    )
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--write", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(asyncio.run(drive(args.child, args.presses, args.profile))))
        return 0
    if args.write:
        print(json.dumps(write_snapshot(args.write, args.resources)))
        return 0

    benchlib.print_machine()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.json"
        # Built in a child of its own, so this process stays small: Linux carries a process's
        # peak RSS across fork and exec, so a parent holding the 100k-resource estate would
        # lend its own peak to the app's child and wait4 would report that, not the app's.
        argv = [benchlib.PYTHON, __file__, "--write", str(path), "--resources", str(args.resources)]
        run = benchlib.run_child(argv, timeout=600)
        if run.returncode != 0:
            print(run.stderr[-4000:])
            return 1
        facts = json.loads(run.stdout.strip().splitlines()[-1])
        print(
            f"snapshot: {facts['resources']:,} resources in {len(REGIONS)} regions, "
            f"{facts['findings']:,} findings, {facts['size_mb']:.0f} MB "
            f"(built in {facts['built_s']:.1f} s; analyse() took {facts['analyse_s']:.1f} s)"
        )
        print(f"snapshot.read alone: {facts['read_s']:.2f} s")

        argv = [benchlib.PYTHON, __file__, "--child", str(path), "--presses", str(args.presses)]
        if args.profile:
            argv += ["--profile", str(args.profile.resolve())]
        run = benchlib.run_child(argv, env=benchlib.dummy_aws_env(), timeout=600)
        if run.returncode != 0:
            print(run.stderr[-4000:])
            return 1
        figures = json.loads(run.stdout.strip().splitlines()[-1])

    print()
    print(
        f"open and paint the first frame: {figures['open_s']:.2f} s "
        f"({figures['regions_shown']} top-level nodes; "
        f"reading the file {figures['read_s']:.2f} s of it)"
    )
    print(
        f"expand {BIG_TYPE} in {BIG_REGION} ({BIG_COUNT:,} resources): "
        f"{1000 * figures['expand_s']:.0f} ms wall, {1000 * figures['expand_cpu_s']:.0f} ms CPU "
        f"({figures['leaves_shown']} leaves built)"
    )
    print_keys(figures, " while scrolling")
    print(f"peak memory of the app process: {run.peak_mb:.0f} MB")
    print()
    print("targets:")
    print(
        f"  open under {TARGET_OPEN_S:.0f} s: {benchlib.verdict(figures['open_s'] < TARGET_OPEN_S)}"
    )
    worst = max(figures["cpu_max_ms"], 1000 * figures["expand_cpu_s"])
    print(
        f"  every key press under {TARGET_KEY_MS:.0f} ms of work (expand included): "
        f"{benchlib.verdict(worst < TARGET_KEY_MS)} (worst {worst:.0f} ms)"
    )
    print(f"  under {TARGET_MB:.0f} MB: {benchlib.verdict(run.peak_mb < TARGET_MB)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
