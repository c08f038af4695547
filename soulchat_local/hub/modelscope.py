"""File listings of ModelScope model repositories (where SoulChat2.0 is published).

ModelScope's public API (the one its own `modelscope download` uses):
    GET {endpoint}/api/v1/models/OWNER/NAME/repo/files?Revision=REV&Recursive=true
        -> {"Code": 200, "Data": {"Files": [{"Path", "Type": "blob"|"tree", "Size", "Sha256"}]}}
    GET {endpoint}/api/v1/models/OWNER/NAME/repo?Revision=REV&FilePath=PATH   (the file)
MODELSCOPE_DOMAIN moves the endpoint (a mirror, or a test server), as in the modelscope
package. Requests go through huggingface_hub's HTTP client, so proxies and HF_HUB_OFFLINE
apply the same way.
"""

from __future__ import annotations

import os
from urllib.parse import quote, urlencode

from ..errors import UserError
from . import remote
from .quants import RemoteFile
from .remote import RepoListing

DEFAULT_ENDPOINT = "https://www.modelscope.cn"


def endpoint() -> str:
    domain = (os.environ.get("MODELSCOPE_DOMAIN") or "").strip().rstrip("/")
    if not domain:
        return DEFAULT_ENDPOINT
    return domain if "://" in domain else f"https://{domain}"


def file_url(repo: str, revision: str, path: str) -> str:
    query = urlencode({"Revision": revision, "FilePath": path})
    return f"{endpoint()}/api/v1/models/{quote(repo)}/repo?{query}"


def list_repo(repo: str, revision: str = "master") -> RepoListing:
    url = f"{endpoint()}/api/v1/models/{quote(repo)}/repo/files"
    params = {"Revision": revision, "Recursive": "true"}
    try:
        response = remote.session().get(url, params=params, timeout=30, follow_redirects=True)
    except remote.transport_errors() as exc:
        raise UserError(f"cannot reach {endpoint()} ({exc or type(exc).__name__}): check your "
                        "network or proxy (HTTPS_PROXY), or set MODELSCOPE_DOMAIN to a mirror") from exc
    except ConnectionError as exc:  # huggingface_hub's offline mode blocks the client
        raise UserError(remote.offline_message(f"modelscope.cn/{repo}")) from exc
    body = _json(response)
    if response.status_code == 404 or (body and body.get("Code") not in (None, 200)):
        raise UserError(f"repository {repo} not found on {endpoint()} "
                        f"(HTTP {response.status_code}: {body.get('Message', '') if body else ''})")
    if response.status_code != 200 or body is None:
        raise UserError(f"{endpoint()} answered HTTP {response.status_code} for {repo}; try again later")
    files = [
        RemoteFile(path=item["Path"], size=int(item.get("Size") or 0), sha256=item.get("Sha256") or "")
        for item in (body.get("Data") or {}).get("Files") or ()
        if item.get("Type", "blob") == "blob"
    ]
    return RepoListing(repo=repo, revision=revision, files=files)


def _json(response) -> dict | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None
