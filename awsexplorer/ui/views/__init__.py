"""What the secondary screens show, as plain data: pure functions over a ScanResult.

No Textual here, so each view is unit-tested without running an app.
"""
