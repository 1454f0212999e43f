"""The policy source texts and their metadata: the library the bot searches, lists and cites.

Each document is ``NAME.txt`` (verbatim) + ``NAME.yaml`` (文号, title, issuer, dates, source);
the shipped ones are in this folder (README.md says where each came from), a deployment's
own in ``$IPBOT_POLICY_DIR/texts/``. :mod:`policy.texts.library` reads both the same way.
"""

from __future__ import annotations

from .library import (
    METADATA_FIELDS,
    TEXTS_FOLDER,
    DocumentMeta,
    Library,
    LibraryDocument,
    LibraryError,
    library_for_dir,
    load_library,
    metadata_yaml,
    read_metadata,
    read_policy_text,
    shipped_library,
)

__all__ = [
    "METADATA_FIELDS",
    "TEXTS_FOLDER",
    "DocumentMeta",
    "Library",
    "LibraryDocument",
    "LibraryError",
    "library_for_dir",
    "load_library",
    "metadata_yaml",
    "read_metadata",
    "read_policy_text",
    "shipped_library",
]
