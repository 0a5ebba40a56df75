"""Every write of the credentials app: keyword-only, atomic, audited.

- issuers: issuer_ensure, alliance_ensure, key_rotate (keys wrapped with the KEK, crypto.py)
- publishing: controller documents, the trust list, status lists (signed, stored as published)
- assessment: achievements, certification schemes, exam sessions, candidates, results
- issuance: credential_issue, credentials_issue (batch), session_issue(_start)
- status: credential_revoke, credential_suspend, credential_unsuspend
- sharing: share_link_create, share_link_revoke
"""
