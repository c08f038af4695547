"""ModelScope model repositories (where SoulChat2.0 is published): the pinned commit and
the file listing.

ModelScope's public API (the one its own `modelscope download` uses):
    GET {endpoint}/api/v1/models/OWNER/NAME/commits?Ref=REF&PageNumber=1&PageSize=1
        -> {"Code": 200, "Data": {"Commit": [{"Id": COMMIT, ...}]}}        newest first
    GET {endpoint}/api/v1/models/OWNER/NAME/repo/files?Revision=REF&Recursive=true
        -> {"Code": 200, "Data": {"Files": [{"Path", "Type": "blob"|"tree", "Size", "Sha256",
                                             "Revision": last commit of the file, ...}]}}
    GET {endpoint}/api/v1/models/OWNER/NAME/repo?Revision=REF&FilePath=PATH   (the file)
Downloads take a branch or tag name (its client documents that commit ids are not accepted
as a revision), so a pull pins content another way: it resolves the commit REF points at
before and after listing (a listing taken while the branch moved is refused), and each file
is checked against the listing's sha256 as it arrives, so what is installed is exactly the
files of that commit. MODELSCOPE_DOMAIN moves the endpoint (a mirror, or a test server), as
in the modelscope package. Requests go through huggingface_hub's HTTP client, so proxies and
HF_HUB_OFFLINE apply the same way.
"""

from __future__ import annotations

import os
import re
from typing import Any
from urllib.parse import quote, urlencode

from ..errors import UserError
from . import remote
from .quants import RemoteFile
from .remote import RepoListing

DEFAULT_ENDPOINT = "https://www.modelscope.cn"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def endpoint() -> str:
    domain = (os.environ.get("MODELSCOPE_DOMAIN") or "").strip().rstrip("/")
    if not domain:
        return DEFAULT_ENDPOINT
    return domain if "://" in domain else f"https://{domain}"


def file_url(repo: str, ref: str, path: str) -> str:
    query = urlencode({"Revision": ref, "FilePath": path})
    return f"{endpoint()}/api/v1/models/{quote(repo)}/repo?{query}"


def list_repo(repo: str, ref: str = "master") -> RepoListing:
    """The files of `ref` with sizes and sha256, pinned to the commit `ref` points at.

    The listing's `revision` is that commit (recorded in the registry); `ref` is what
    downloads ask for. A file the listing gives no well-formed sha256 keeps an empty one:
    callers refuse to install such a file (see `unverifiable`).
    """
    commit = head_commit(repo, ref)
    body = _get(
        f"/api/v1/models/{quote(repo)}/repo/files", {"Revision": ref, "Recursive": "true"}, repo
    )
    files = [
        RemoteFile(
            path=item["Path"], size=int(item.get("Size") or 0), sha256=_sha256(item.get("Sha256"))
        )
        for item in (body.get("Data") or {}).get("Files") or ()
        if item.get("Type", "blob") == "blob" and item.get("Path")
    ]
    if head_commit(repo, ref) != commit:
        raise UserError(
            f"{repo} changed on {endpoint()} while it was being listed "
            "(a new commit was pushed); pull again"
        )
    return RepoListing(repo=repo, revision=commit, files=files, ref=ref)


def head_commit(repo: str, ref: str) -> str:
    """The commit id branch or tag `ref` of `repo` points at now."""
    body = _get(
        f"/api/v1/models/{quote(repo)}/commits",
        {"Ref": ref, "PageNumber": "1", "PageSize": "1"},
        repo,
    )
    commits = (body.get("Data") or {}).get("Commit") or []
    commit = str(commits[0].get("Id") or "") if commits and isinstance(commits[0], dict) else ""
    if not re.fullmatch(r"[0-9a-f]{40}", commit):
        raise UserError(
            f"{endpoint()} did not say which commit {ref!r} of {repo} is, so the "
            "download could not be pinned; try again later, or another mirror"
        )
    return commit


def unverifiable(files: list[RemoteFile]) -> list[str]:
    """Paths of files with no hash to check them against."""
    return [f.path for f in files if not f.sha256 and not f.blob_id]


def _sha256(value: Any) -> str:
    text = str(value or "").strip().lower()
    return text if _SHA256.match(text) else ""


def _get(path: str, params: dict[str, str], repo: str) -> dict:
    url = f"{endpoint()}{path}"
    try:
        response = remote.session().get(url, params=params, timeout=30, follow_redirects=True)
    except remote.transport_errors() as exc:
        raise UserError(
            f"cannot reach {endpoint()} ({exc or type(exc).__name__}): check your "
            "network or proxy (HTTPS_PROXY), or set MODELSCOPE_DOMAIN to a mirror"
        ) from exc
    except ConnectionError as exc:  # huggingface_hub's offline mode blocks the client
        raise UserError(remote.offline_message(f"modelscope.cn/{repo}")) from exc
    body = _json(response)
    if response.status_code == 404 or (body and body.get("Code") not in (None, 200)):
        raise UserError(
            f"repository {repo} not found on {endpoint()} "
            f"(HTTP {response.status_code}: {body.get('Message', '') if body else ''})"
        )
    if response.status_code != 200 or body is None:
        raise UserError(
            f"{endpoint()} answered HTTP {response.status_code} for {repo}; try again later"
        )
    return body


def _json(response) -> dict | None:  # noqa: ANN001
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None
