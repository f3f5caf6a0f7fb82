"""`:` and a letter typed at once after a big snapshot opens, before the search index worker
is done (issue 17): the wall time and UI-thread CPU of each key, and when the index is in.

    python benchmarks/million_bench.py --keep /tmp/m.json   # makes the 1,000,000 snapshot
    python benchmarks/early_search.py /tmp/m.json
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path


async def measure(path: Path) -> None:
    from textual.pilot import Pilot

    from awsexplorer import snapshot
    from awsexplorer.cli import make_app
    from awsexplorer.config import AppOptions

    Pilot._wait_for_screen.__defaults__ = (3600.0,)  # the open takes what it takes
    loaded = snapshot.read(path)
    app = make_app(AppOptions(snapshot=path, loaded=loaded))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        first_frame = time.perf_counter()
        for key in ("colon", "w"):
            wall, cpu = time.perf_counter(), time.thread_time()
            await pilot.press(key)
            await pilot.pause()
            print(
                f"{key}: {1000 * (time.perf_counter() - wall):.0f} ms wall, "
                f"{1000 * (time.thread_time() - cpu):.0f} ms UI-thread CPU; "
                f"search index in: {app.state.search_ready}"
            )
        while not app.state.search_ready and time.perf_counter() - first_frame < 600:
            await pilot.pause(0.2)
        print(f"search index in {time.perf_counter() - first_frame:.1f} s after the first frame")
        await pilot.press("escape", "q")


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    asyncio.run(measure(Path(sys.argv[1])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
