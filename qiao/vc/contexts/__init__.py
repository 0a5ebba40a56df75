"""JSON-LD contexts shipped with the library; the only documents the loader will ever return.

Each file is byte-identical to its published source (see README.md); the SHA-256 below is checked
when a context is first loaded, so an edited copy fails loudly instead of changing signatures.
"""

from __future__ import annotations

# URL -> (file name, SHA-256 of the file's bytes)
PINNED_CONTEXTS: dict[str, tuple[str, str]] = {
    "https://www.w3.org/ns/credentials/v2": (
        "credentials-v2.jsonld",
        "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734",
    ),
    "https://www.w3.org/ns/credentials/examples/v2": (
        "credentials-examples-v2.jsonld",
        "57393fbc69d6efb9b9b5dc9cb6b9880b0944360abfe2eaf459c9e58cf2279d7c",
    ),
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": (
        "ob-v3p0-context-3.0.3.json",
        "ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761",
    ),
    "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json": (
        "clr-v2p0-context-2.0.1.json",
        "880f1902d4158f2f33ce06af41b90719977cd1ea337a9de2e41edb3ff5e543d6",
    ),
}

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
