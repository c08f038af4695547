"""The Hugging Face hub through huggingface_hub: endpoint, token, offline mode, listings.

Environment variables keep their huggingface_hub meaning and are read at call time:
HF_ENDPOINT (a mirror), HF_TOKEN or the token `hf auth login` stored, HF_HUB_OFFLINE.
Proxies come from the environment (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY):
huggingface_hub's HTTP client trusts it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from ..errors import UserError
from .quants import RemoteFile

DEFAULT_ENDPOINT = "https://huggingface.co"
_TRUE = {"1", "on", "yes", "true"}


@dataclass
class RepoListing:
    repo: str
    revision: str  # the commit the listing describes; downloads pin it
    files: list[RemoteFile]
    gated: bool = False
    license: str = ""  # from the repository's `license:` tag, when it has one
    ref: str = ""  # the branch or tag downloads ask for, where the hub takes no commit id


def endpoint() -> str:
    return (os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")


def offline() -> bool:
    value = os.environ.get("HF_HUB_OFFLINE") or os.environ.get("TRANSFORMERS_OFFLINE") or ""
    return value.strip().lower() in _TRUE


def auth_headers() -> dict[str, str]:
    """User agent plus `Authorization: Bearer` when HF_TOKEN or a stored token exists."""
    from huggingface_hub.utils import build_hf_headers

    return build_hf_headers(library_name="soulchat-local")


def has_token() -> bool:
    from huggingface_hub import get_token

    return bool(get_token())


def file_url(repo: str, revision: str, path: str) -> str:
    from huggingface_hub import hf_hub_url

    return hf_hub_url(repo, path, revision=revision, endpoint=endpoint())


def list_repo(repo: str, revision: str | None = None) -> RepoListing:
    """Every file of a model repository with its size and LFS sha256 (one API call)."""
    from huggingface_hub import HfApi

    with hub_errors(repo):
        info = HfApi(endpoint=endpoint()).model_info(
            repo, revision=revision, files_metadata=True, timeout=30
        )
    files = []
    for sibling in info.siblings or ():
        lfs = sibling.lfs
        files.append(RemoteFile(
            path=sibling.rfilename,
            size=int(lfs.size if lfs else sibling.size or 0),
            sha256=lfs.sha256 if lfs else "",
            blob_id="" if lfs else (sibling.blob_id or ""),
        ))
    licenses = [t.split(":", 1)[1] for t in info.tags or () if t.startswith("license:")]
    return RepoListing(repo=repo, revision=info.sha or revision or "main", files=files,
                       gated=bool(info.gated), license=licenses[0] if licenses else "")


@contextmanager
def hub_errors(repo: str) -> Iterator[None]:
    """Turn huggingface_hub and network exceptions into one-line UserErrors."""
    from huggingface_hub import errors

    where = endpoint()
    try:
        yield
    except errors.OfflineModeIsEnabled as exc:
        raise UserError(offline_message(f"hf.co/{repo}")) from exc
    except errors.GatedRepoError as exc:
        raise UserError(gated_message(repo)) from exc
    except errors.RepositoryNotFoundError as exc:
        hint = "" if has_token() else (
            "; if it is private or gated, set HF_TOKEN or run `hf auth login`"
        )
        raise UserError(f"repository {repo} not found on {where} (HTTP {_status(exc)}){hint}") from exc
    except errors.RevisionNotFoundError as exc:
        raise UserError(f"repository {repo} has no such revision on {where}") from exc
    except getattr(errors, "RemoteEntryNotFoundError", errors.EntryNotFoundError) as exc:
        raise UserError(f"a file of {repo} is missing on {where}: {_url(exc)}") from exc
    except errors.HfHubHTTPError as exc:
        status = _status(exc)
        if status == 401:
            raise UserError(
                f"{where} refused the request for {repo} (HTTP 401): "
                "your token is invalid or lacks access; check HF_TOKEN or run `hf auth login`"
            ) from exc
        if status == 403:
            raise UserError(
                f"{where} refused access to {repo} (HTTP 403): accept its licence on the "
                "model page with the account of your token, or use a token with read access"
            ) from exc
        raise UserError(f"{where} answered HTTP {status} for {repo}; try again later") from exc
    except transport_errors() as exc:
        raise UserError(network_message(exc)) from exc


def session():
    """huggingface_hub's shared HTTP client (httpx API; proxies from the environment)."""
    from huggingface_hub.utils import get_session

    return get_session()


def transport_errors() -> tuple[type[BaseException], ...]:
    """Network failures of the HTTP library huggingface_hub uses (httpx2 or httpx)."""
    import importlib

    module = importlib.import_module(type(session()).__module__.split(".")[0])
    return (module.TransportError,)


def gated_message(repo: str) -> str:
    if has_token():
        return (f"{repo} is gated and your token has no access yet: accept its terms at "
                f"{DEFAULT_ENDPOINT}/{repo} with the same account, then pull again")
    return (f"{repo} is gated: accept its terms at {DEFAULT_ENDPOINT}/{repo}, then set HF_TOKEN "
            "(or run `hf auth login`) and pull again")


def offline_message(what: str) -> str:
    return (f"HF_HUB_OFFLINE=1 is set, so {what} cannot be downloaded and it is not installed; "
            "unset HF_HUB_OFFLINE to download it, or `soulchat import` a .gguf you have")


def network_message(exc: BaseException) -> str:
    why = str(exc) or type(exc).__name__
    return (f"cannot reach {endpoint()} ({why}): check your network or proxy "
            "(HTTPS_PROXY), or set HF_ENDPOINT to a mirror")


def _status(exc: Exception) -> int | str:
    response = getattr(exc, "response", None)
    return getattr(response, "status_code", "?")


def _url(exc: Exception) -> str:
    response = getattr(exc, "response", None)
    return str(getattr(response, "url", "")) or "?"
