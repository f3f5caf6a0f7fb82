"""Everything that talks to AWS. The only package that imports aiobotocore.

Kept empty so that `awsexplorer.scan.events` can be imported (by the UI) without loading
aiobotocore and the service models.
"""
