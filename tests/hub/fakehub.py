"""A small Hugging Face hub on 127.0.0.1 for tests: the calls huggingface_hub and pull make.

    GET  /api/models/OWNER/REPO[/revision/REV][?blobs=True]   model info (+ LFS sha256, sizes)
    HEAD|GET /OWNER/REPO/resolve/REV/PATH                     file; LFS files redirect to /cdn/SHA256
    HEAD|GET /cdn/SHA256                                       content, with Range (206 / 416)
    GET  /api/v1/models/OWNER/REPO/commits?Ref=R&PageSize=N    ModelScope commits, newest first
    GET  /api/v1/models/OWNER/REPO/repo/files?Revision=R       ModelScope file listing
    GET  /api/v1/models/OWNER/REPO/repo?Revision=R&FilePath=P  ModelScope file, with Range

Error answers carry the headers huggingface_hub reads (X-Error-Code: RepoNotFound,
GatedRepo, EntryNotFound, RevisionNotFound). Requests in absolute form
(`GET http://host/...`) are served too, so the server can stand in for an HTTP proxy.
Faults for tests: drop the connection after N body bytes, send slowly, send corrupt bytes.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, unquote, urlsplit

GOOD_TOKEN = "hf_fake_good_token"


@dataclass
class FakeFile:
    data: bytes
    lfs: bool = True
    corrupt: bool = False  # serve other bytes than the announced hash describes
    listed_sha256: str | None = None  # what ModelScope's listing says instead of the real sha256

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def blob_id(self) -> str:
        return hashlib.sha1(b"blob %d\0" % len(self.data) + self.data).hexdigest()

    def served(self) -> bytes:
        if not self.corrupt:
            return self.data
        middle = len(self.data) // 2
        return self.data[:middle] + bytes([self.data[middle] ^ 0xFF]) + self.data[middle + 1:]


@dataclass
class FakeRepo:
    repo_id: str
    files: dict[str, FakeFile]
    gated: bool = False
    sha: str = ""

    def __post_init__(self) -> None:
        if not self.sha:
            self.sha = hashlib.sha1(self.repo_id.encode()).hexdigest()


@dataclass
class Record:
    method: str
    path: str
    status: int = 0
    range: str | None = None
    auth: str | None = None
    sent: int = 0  # body bytes written
    absolute: bool = False  # the request line held a full URL (proxy form)


@dataclass
class Faults:
    drop_after: int | None = None  # close the connection after this many body bytes ...
    drop_times: int = 0  # ... for this many content requests
    delay_per_chunk: float = 0.0  # seconds slept per 64 KiB sent
    ignore_range: bool = False  # answer 200 with the whole file, as some mirrors do
    push_on_listing: bool = False  # a new commit lands right after a ModelScope file listing


@dataclass
class FakeHub:
    repos: dict[str, FakeRepo] = field(default_factory=dict)
    log: list[Record] = field(default_factory=list)
    faults: Faults = field(default_factory=Faults)

    def add_repo(self, repo_id: str, files: dict[str, bytes | FakeFile], gated: bool = False) -> FakeRepo:
        repo = FakeRepo(repo_id, {p: f if isinstance(f, FakeFile) else FakeFile(f)
                                  for p, f in files.items()}, gated=gated)
        self.repos[repo_id] = repo
        return repo

    def start(self) -> FakeHub:
        hub = self

        class Handler(_Handler):
            pass

        Handler.hub = hub
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def content_requests(self) -> list[Record]:
        return [r for r in self.log if r.path.startswith("/cdn/") and r.method == "GET"]

    def bytes_sent(self) -> int:
        return sum(r.sent for r in self.content_requests())


class _Handler(BaseHTTPRequestHandler):
    hub: FakeHub
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # keep test output quiet
        pass

    def do_HEAD(self) -> None:
        self._route(head=True)

    def do_GET(self) -> None:
        self._route(head=False)

    # -- routing -------------------------------------------------------------------------

    def _route(self, head: bool) -> None:
        absolute = self.path.startswith(("http://", "https://"))
        parts = urlsplit(self.path)
        path, query = unquote(parts.path), parse_qs(parts.query)
        self.record = Record(self.command, path, range=self.headers.get("Range"),
                             auth=self.headers.get("Authorization"), absolute=absolute)
        self.hub.log.append(self.record)
        if path.startswith("/api/v1/models/"):
            return self._modelscope(path[len("/api/v1/models/"):], query, head)
        if path.startswith("/api/models/"):
            return self._model_info(path[len("/api/models/"):], query)
        if path.startswith("/cdn/"):
            return self._content(path[len("/cdn/"):], head)
        bits = path.strip("/").split("/")
        if len(bits) >= 5 and bits[2] == "resolve":
            return self._resolve("/".join(bits[:2]), bits[3], "/".join(bits[4:]), head)
        self._error(404, "", "Not found")

    def _repo(self, repo_id: str) -> FakeRepo | None:
        repo = self.hub.repos.get(repo_id)
        if repo is None:
            self._error(404, "RepoNotFound", "Repository not found")
        return repo

    def _model_info(self, rest: str, query: dict) -> None:
        bits = rest.strip("/").split("/")
        repo = self._repo("/".join(bits[:2]))
        if repo is None:
            return
        if len(bits) >= 4 and bits[2] == "revision" and bits[3] not in ("main", repo.sha):
            return self._error(404, "RevisionNotFound", "Invalid rev id")
        blobs = query.get("blobs", ["false"])[0].lower() == "true"
        siblings = []
        for path, file in sorted(repo.files.items()):
            item = {"rfilename": path}
            if blobs:
                item.update(size=len(file.data), blobId=file.blob_id)
                if file.lfs:
                    item["lfs"] = {"size": len(file.data), "sha256": file.sha256, "pointerSize": 134}
            siblings.append(item)
        body = json.dumps({
            "_id": repo.sha[:24], "id": repo.repo_id, "modelId": repo.repo_id, "sha": repo.sha,
            "private": False, "gated": "manual" if repo.gated else False, "disabled": False,
            "tags": ["gguf"], "siblings": siblings,
        }).encode()
        self._send(200, body, {"Content-Type": "application/json"}, head=False)

    def _modelscope(self, rest: str, query: dict, head: bool) -> None:
        bits = rest.strip("/").split("/")
        repo = self.hub.repos.get("/".join(bits[:2]))
        if repo is None:
            body = json.dumps({"Code": 10010205001, "Message": "model not found", "Success": False})
            return self._send(404, body.encode(), {"Content-Type": "application/json"}, head=False)
        if bits[2:] == ["commits"]:
            if query.get("Ref", ["master"])[0] != "master":
                return self._modelscope_error(repo)
            commit = {"Id": repo.sha, "ShortId": repo.sha[:8], "Title": "upload", "Message": "upload"}
            body = json.dumps({"Code": 200, "Data": {"Commit": [commit]}, "TotalCount": 1,
                               "Success": True}).encode()
            return self._send(200, body, {"Content-Type": "application/json"}, head=False)
        if bits[2:] == ["repo", "files"]:
            if query.get("Revision", ["master"])[0] != "master":
                return self._modelscope_error(repo)
            files = [{"Name": p.rsplit("/", 1)[-1], "Path": p, "Type": "blob", "Size": len(f.data),
                      "Sha256": f.sha256 if f.listed_sha256 is None else f.listed_sha256, "IsLFS": f.lfs,
                      "Revision": repo.sha} for p, f in sorted(repo.files.items())]
            body = json.dumps({"Code": 200, "Data": {"Files": files}, "Success": True}).encode()
            if self.hub.faults.push_on_listing:
                repo.sha = hashlib.sha1(repo.sha.encode()).hexdigest()
            return self._send(200, body, {"Content-Type": "application/json"}, head=False)
        file = repo.files.get(query.get("FilePath", [""])[0])
        if query.get("Revision", ["master"])[0] != "master":  # branch or tag names only
            return self._modelscope_error(repo)
        if bits[2:] != ["repo"] or file is None:
            return self._error(404, "", "file not found")
        self.record.path = f"/cdn/{file.sha256}"  # count it as content
        self._serve_bytes(file.served(), {"ETag": f'"{file.sha256}"'}, head)

    def _modelscope_error(self, repo: FakeRepo) -> None:
        body = json.dumps({"Code": 10010205001, "Message": f"revision not found in {repo.repo_id}",
                           "Success": False})
        self._send(404, body.encode(), {"Content-Type": "application/json"}, head=False)

    def _resolve(self, repo_id: str, revision: str, path: str, head: bool) -> None:
        repo = self._repo(repo_id)
        if repo is None:
            return
        if repo.gated and self.headers.get("Authorization") != f"Bearer {GOOD_TOKEN}":
            return self._error(401, "GatedRepo", f"Access to model {repo_id} is restricted.")
        if revision not in ("main", repo.sha):
            return self._error(404, "RevisionNotFound", "Invalid rev id")
        file = repo.files.get(path)
        if file is None:
            return self._error(404, "EntryNotFound", "Entry not found")
        headers = {"X-Repo-Commit": repo.sha, "ETag": f'"{file.sha256 if file.lfs else file.blob_id}"'}
        if file.lfs:
            headers.update({
                "Location": f"/cdn/{file.sha256}?repo={quote(repo_id)}",
                "X-Linked-Etag": f'"{file.sha256}"', "X-Linked-Size": str(len(file.data)),
                "Content-Length": "0",
            })
            self.record.status = 302
            self.send_response(302)
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            return
        self._serve_bytes(file.served(), headers, head)

    def _content(self, sha256: str, head: bool) -> None:
        for repo in self.hub.repos.values():
            for file in repo.files.values():
                if file.sha256 == sha256:
                    return self._serve_bytes(file.served(), {"ETag": f'"{sha256}"'}, head)
        self._error(404, "", "No such object")

    # -- answers ---------------------------------------------------------------------------

    def _serve_bytes(self, data: bytes, headers: dict[str, str], head: bool) -> None:
        headers = {**headers, "Accept-Ranges": "bytes", "Content-Type": "application/octet-stream"}
        wanted = None if self.hub.faults.ignore_range else self.headers.get("Range")
        start, end, status = 0, len(data) - 1, 200
        if wanted:
            try:
                first, _, last = wanted.split("=", 1)[1].partition("-")
                start = int(first)
                end = min(int(last), len(data) - 1) if last else len(data) - 1
            except (IndexError, ValueError):
                return self._error(400, "", "Bad range")
            if start >= len(data) or start > end:
                headers["Content-Range"] = f"bytes */{len(data)}"
                return self._send(416, b"", headers, head=False)
            status = 206
            headers["Content-Range"] = f"bytes {start}-{end}/{len(data)}"
        self._send(status, data[start:end + 1], headers, head, content=True)

    def _error(self, status: int, code: str, message: str) -> None:
        headers = {"Content-Type": "application/json", "X-Error-Message": message}
        if code:
            headers["X-Error-Code"] = code
        self._send(status, json.dumps({"error": message}).encode(), headers, head=False)

    def _send(self, status: int, body: bytes, headers: dict[str, str], head: bool,
              content: bool = False) -> None:
        self.record.status = status
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if head or self.command == "HEAD":
            return
        faults = self.hub.faults
        limit = len(body)
        dropping = content and faults.drop_times > 0 and faults.drop_after is not None
        if dropping:
            faults.drop_times -= 1
            limit = min(limit, faults.drop_after)
        step = 1 << 16
        for offset in range(0, limit, step):
            chunk = body[offset:min(offset + step, limit)]
            try:
                self.wfile.write(chunk)
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True
                return
            self.record.sent += len(chunk)
            if content and faults.delay_per_chunk:
                time.sleep(faults.delay_per_chunk)
        if dropping:
            # Hang up in the middle of the body, as a dropped network would.
            self.close_connection = True
            self.connection.shutdown(2)
