"""Credentials: issuers and keys, achievements, certification schemes, exam sessions and
results, issuance of Open Badges 3.0 credentials, status lists, wallet, public verification."""
