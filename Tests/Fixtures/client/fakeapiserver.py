"""A small Kubernetes-API-shaped HTTP peer for KubeClientTests (loopback, plain HTTP).

Not a faithful API server (that is KubeEmbedded): it speaks the wire shapes the client depends on
(kube-api-server.md §2, §4, §8, §10, §11.1) for configmaps, namespaces, serviceaccounts (+ token) and
widgets.example.com/v1 (namespaced, status subresource, served only after POST /fake/serve-widgets).

Usage: fakeapiserver.py [--legacy-discovery] [--cert CERT --key KEY] [--token TOKEN]; prints "ready <port>",
serves until stdin closes. With --token every request must carry "Authorization: Bearer TOKEN" (else 401).
Test controls: POST /fake/serve-widgets, /fake/wait-watch (returns once a watch opened since the last
drop is streaming), /fake/compact (every older resourceVersion becomes 410 for
watches), /fake/drop-watches (ends open watch streams), /fake/bookmark (sends a bookmark to watchers), /fake/fail-watches?count=N (the next N watch requests get 503),
GET /fake/requests (the mutating requests seen: method, path, query, content type, body).
"""
import copy
import json
import ssl
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

LEGACY = "--legacy-discovery" in sys.argv
_valued = [a for a in sys.argv[1:] if a != "--legacy-discovery"]
OPTIONS = dict(zip(_valued[::2], _valued[1::2]))
cond = threading.Condition()
state = {"rv": 1, "compacted": 0, "generation": 0, "widgets": False, "bookmarks": 0, "fail_watches": 0}
open_watches = {}  # generation -> number of watch streams opened in it and still open
store = {}  # (resource, ns, name) -> object
events = []  # (rv, type, resource, ns, object)
requests = []

RESOURCES = {
    ("", "configmaps"): {"kind": "ConfigMap", "namespaced": True, "status": False, "short": ["cm"]},
    ("", "namespaces"): {"kind": "Namespace", "namespaced": False, "status": True, "short": ["ns"]},
    ("", "serviceaccounts"): {"kind": "ServiceAccount", "namespaced": True, "status": False, "short": ["sa"]},
    ("example.com", "widgets"): {"kind": "Widget", "namespaced": True, "status": True, "short": ["wd"]},
}


def served():
    return {k: v for k, v in RESOURCES.items() if k[0] != "example.com" or state["widgets"]}


def status(code, reason, message, details=None):
    body = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message,
            "reason": reason, "code": code}
    if details is not None:
        body["details"] = details
    return code, body


def qualified(group, resource):
    return resource if not group else "%s.%s" % (resource, group)


def merge_patch(target, patch):
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def json_patch(target, ops):
    doc = copy.deepcopy(target)
    for op in ops:
        parts = [p.replace("~1", "/").replace("~0", "~") for p in op["path"].split("/")[1:]]
        parent = doc
        for part in parts[:-1]:
            parent = parent[int(part)] if isinstance(parent, list) else parent[part]
        last = parts[-1]
        if op["op"] in ("add", "replace"):
            if isinstance(parent, list):
                index = len(parent) if last == "-" else int(last)
                if op["op"] == "add":
                    parent.insert(index, op["value"])
                else:
                    parent[index] = op["value"]
            else:
                if op["op"] == "replace" and last not in parent:
                    raise KeyError(last)
                parent[last] = op["value"]
        elif op["op"] == "remove":
            del parent[int(last) if isinstance(parent, list) else last]
        elif op["op"] == "test":
            value = parent[int(last)] if isinstance(parent, list) else parent[last]
            if value != op["value"]:
                raise KeyError("test failed")
        else:
            raise KeyError(op["op"])
    return doc


def matches(obj, selector):
    if not selector:
        return True
    labels = obj.get("metadata", {}).get("labels", {}) or {}
    for term in selector.split(","):
        if "!=" in term:
            k, v = term.split("!=", 1)
            if labels.get(k) == v:
                return False
        elif "=" in term:
            k, v = term.split("=", 1)
            if labels.get(k) != v.lstrip("="):
                return False
        elif labels.get(term) is None:
            return False
    return True


def record(kind, resource, ns, obj):
    state["rv"] += 1
    obj["metadata"]["resourceVersion"] = str(state["rv"])
    events.append((state["rv"], kind, resource, ns, copy.deepcopy(obj)))
    cond.notify_all()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, code, body, ctype="application/json"):
        payload = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def chunk(self, obj):
        data = json.dumps(obj).encode() + b"\n"
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        parts = [unquote(p) for p in url.path.split("/") if p]
        if self.command != "GET":
            requests.append({"method": self.command, "path": url.path, "query": query,
                             "contentType": self.headers.get("Content-Type"), "body": raw.decode("utf-8", "replace")})
        token = OPTIONS.get("--token")
        if token and self.headers.get("Authorization") != "Bearer " + token:
            self.reply(*status(401, "Unauthorized", "Unauthorized"))
            return
        try:
            result = self.route(parts, query, raw)
        except (ValueError, KeyError, IndexError, TypeError) as error:
            result = status(400, "BadRequest", "bad request: %r" % (error,))
        if result is not None:
            self.reply(*result)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any

    def route(self, parts, query, raw):
        if parts[:1] == ["fake"]:
            return self.control(parts[1], query)
        if parts in (["api"], ["apis"]):
            return self.discovery(parts[0])
        if len(parts) == 2 and parts[0] == "api":
            return 200, self.resource_list("", parts[1])
        if len(parts) == 3 and parts[0] == "apis":
            return 200, self.resource_list(parts[1], parts[2])
        if parts[:1] == ["api"]:
            group, version, rest = "", parts[1], parts[2:]
        elif parts[:1] == ["apis"] and len(parts) >= 3:
            group, version, rest = parts[1], parts[2], parts[3:]
        else:
            return status(404, "NotFound", "the server could not find the requested resource", {})
        ns = ""
        if len(rest) >= 3 and rest[0] == "namespaces":
            ns, rest = rest[1], rest[2:]
        elif len(rest) == 2 and rest[0] == "namespaces":
            rest = ["namespaces", rest[1]]
        info = served().get((group, rest[0])) if rest and version == "v1" else None
        if info is None:
            return status(404, "NotFound", "the server could not find the requested resource", {})
        resource, name, sub = rest[0], (rest[1] if len(rest) > 1 else None), (rest[2] if len(rest) > 2 else None)
        if not info["namespaced"]:
            ns = ""
        return self.operate(group, resource, info, ns, name, sub, query, raw)

    def control(self, what, query):
        with cond:
            if what == "serve-widgets":
                state["widgets"] = True
            elif what == "compact":
                # Like etcd compaction after a write nobody watched: every version before now is gone.
                state["rv"] += 1
                state["compacted"] = state["rv"]
            elif what == "drop-watches":
                state["generation"] += 1
                cond.notify_all()
            elif what == "fail-watches":
                state["fail_watches"] = int(query.get("count", "1"))
            elif what == "bookmark":
                state["bookmarks"] += 1
                cond.notify_all()
            elif what == "requests":
                return 200, requests
            elif what == "wait-watch":
                # Returns once a watch stream opened since the last drop is established (bounded).
                ok = cond.wait_for(lambda: open_watches.get(state["generation"], 0) > 0, timeout=20)
                return (200, {"ok": True}) if ok else status(504, "Timeout", "no watch opened")
        return 200, {"ok": True}

    def discovery(self, root):
        aggregated = not LEGACY and "as=APIGroupDiscoveryList" in (self.headers.get("Accept") or "")
        groups = sorted({g for g, _ in served()})
        if aggregated:
            items = []
            for group in groups:
                if (group == "") != (root == "api"):
                    continue
                resources = []
                for (g, resource), info in sorted(served().items()):
                    if g != group:
                        continue
                    kind = {"group": g, "version": "v1", "kind": info["kind"]}
                    entry = {"resource": resource, "singularResource": info["kind"].lower(), "responseKind": kind,
                             "scope": "Namespaced" if info["namespaced"] else "Cluster", "shortNames": info["short"],
                             "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"]}
                    if info["status"]:
                        entry["subresources"] = [{"subresource": "status", "responseKind": kind,
                                                  "verbs": ["get", "patch", "update"]}]
                    resources.append(entry)
                meta = {"name": group} if group else {}
                items.append({"metadata": meta, "versions": [{"version": "v1", "freshness": "Current",
                                                              "resources": resources}]})
            body = {"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": {},
                    "items": items}
            payload = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            return None
        if root == "api":
            return 200, {"kind": "APIVersions", "versions": ["v1"]}
        gv = [{"name": g, "versions": [{"groupVersion": g + "/v1", "version": "v1"}],
               "preferredVersion": {"groupVersion": g + "/v1", "version": "v1"}} for g in groups if g]
        return 200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": gv}

    def resource_list(self, group, version):
        resources = []
        for (g, resource), info in sorted(served().items()):
            if g != group:
                continue
            resources.append({"name": resource, "singularName": info["kind"].lower(), "namespaced": info["namespaced"],
                              "kind": info["kind"], "verbs": ["get", "list", "watch"], "shortNames": info["short"]})
            if info["status"]:
                resources.append({"name": resource + "/status", "singularName": "", "namespaced": info["namespaced"],
                                  "kind": info["kind"], "verbs": ["get", "patch", "update"]})
        return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": (group + "/" if group else "") + version,
                "resources": resources}

    def operate(self, group, resource, info, ns, name, sub, query, raw):
        api_version = (group + "/v1") if group else "v1"
        key = (resource, ns, name)
        q = qualified(group, resource)
        details = {"name": name, "kind": resource}
        if group:
            details["group"] = group
        dry = query.get("dryRun") == "All"
        with cond:
            current = store.get(key)
            if self.command == "GET" and name is None:
                if query.get("watch") in ("true", "1"):
                    return self.watch(resource, ns, query, api_version, info)
                items = sorted((o for (r, n, _), o in store.items() if r == resource and (not ns or n == ns)
                                and matches(o, query.get("labelSelector"))),
                               key=lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"]))
                start = int(query.get("continue") or 0)
                limit = int(query.get("limit") or 0) or len(items)
                page = items[start:start + limit]
                meta = {"resourceVersion": str(state["rv"])}
                if start + limit < len(items):
                    meta["continue"] = str(start + limit)
                    meta["remainingItemCount"] = len(items) - start - limit
                return 200, {"kind": info["kind"] + "List", "apiVersion": api_version, "metadata": meta,
                             "items": [{k: v for k, v in o.items() if k not in ("kind", "apiVersion")} for o in page]}
            if self.command == "GET":
                if current is None or (sub and sub != "status"):
                    return status(404, "NotFound", '%s "%s" not found' % (q, name), details)
                return 200, current
            body = json.loads(raw) if raw else {}
            if self.command == "POST" and sub == "token" and resource == "serviceaccounts":
                if current is None:
                    return status(404, "NotFound", '%s "%s" not found' % (q, name), details)
                seconds = body.get("spec", {}).get("expirationSeconds") or 3600
                return 201, {"kind": "TokenRequest", "apiVersion": "authentication.k8s.io/v1",
                             "metadata": {"name": name, "namespace": ns},
                             "spec": {"audiences": body.get("spec", {}).get("audiences") or ["https://kubernetes.default.svc"],
                                      "expirationSeconds": seconds},
                             "status": {"token": "token-for-" + name, "expirationTimestamp": "2030-01-01T00:00:00Z"}}
            if self.command == "POST":
                name = body.get("metadata", {}).get("name")
                key, details["name"] = (resource, ns, name), name
                if body.get("metadata", {}).get("resourceVersion"):
                    return status(500, "", "resourceVersion should not be set on objects to be created")
                if key in store:
                    return status(409, "AlreadyExists", '%s "%s" already exists' % (q, name), details)
                obj = copy.deepcopy(body)
                obj["metadata"].update({"uid": str(uuid.uuid4()), "creationTimestamp": "2026-01-01T00:00:00Z"})
                if ns:
                    obj["metadata"]["namespace"] = ns
                if info["status"]:
                    obj.pop("status", None)
                if dry:
                    return 201, obj
                store[key] = obj
                record("ADDED", resource, ns, obj)
                return 201, obj
            if current is None and not (self.command == "PATCH" and self.headers.get("Content-Type") == "application/apply-patch+yaml"):
                return status(404, "NotFound", '%s "%s" not found' % (q, name), details)
            if self.command == "DELETE":
                pre = body.get("preconditions") or {}
                if pre.get("uid") not in (None, current["metadata"]["uid"]) or \
                        pre.get("resourceVersion") not in (None, current["metadata"]["resourceVersion"]):
                    return status(409, "Conflict", 'Operation cannot be fulfilled on %s "%s": Precondition failed: x' % (q, name), details)
                if dry:
                    return 200, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": details}
                if current["metadata"].get("finalizers"):
                    current["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:01Z"
                    record("MODIFIED", resource, ns, current)
                    return 200, current
                del store[key]
                record("DELETED", resource, ns, current)
                return 200, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": details}
            if self.command == "PUT":
                rv = body.get("metadata", {}).get("resourceVersion")
                if rv and rv != current["metadata"]["resourceVersion"]:
                    return status(409, "Conflict", 'Operation cannot be fulfilled on %s "%s": the object has been modified; please apply your changes to the latest version and try again' % (q, name), details)
                if sub == "status":
                    updated = copy.deepcopy(current)
                    updated["status"] = body.get("status")
                else:
                    updated = copy.deepcopy(body)
                    for field in ("uid", "creationTimestamp"):
                        updated["metadata"][field] = current["metadata"][field]
                    if info["status"] and "status" in current:
                        updated["status"] = current["status"]
                return self.store_update(key, resource, ns, updated, dry)
            if self.command == "PATCH":
                ctype = self.headers.get("Content-Type")
                if ctype == "application/apply-patch+yaml":
                    if not query.get("fieldManager"):
                        return status(422, "Invalid", "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch")
                    if current is None:
                        obj = copy.deepcopy(body)
                        obj["metadata"].update({"uid": str(uuid.uuid4()), "creationTimestamp": "2026-01-01T00:00:00Z"})
                        if dry:
                            return 201, obj
                        store[key] = obj
                        record("ADDED", resource, ns, obj)
                        return 201, obj
                    owner = current["metadata"].get("annotations", {}).get("fake/manager")
                    if owner and owner != query["fieldManager"] and query.get("force") != "true":
                        return status(409, "Conflict", 'Apply failed with 1 conflict: conflict with "%s": .data' % owner,
                                      {"causes": [{"reason": "FieldManagerConflict", "message": 'conflict with "%s"' % owner, "field": ".data"}]})
                    updated = merge_patch(current, body)
                elif ctype == "application/merge-patch+json" or \
                        (ctype == "application/strategic-merge-patch+json" and not group):
                    updated = merge_patch(current, body)
                elif ctype == "application/json-patch+json":
                    try:
                        updated = json_patch(current, body)
                    except (KeyError, IndexError, ValueError):
                        return status(422, "Invalid", "the server rejected our request due to an error in our request", {})
                else:
                    return status(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml")
                if sub == "status":
                    merged = copy.deepcopy(current)
                    merged["status"] = updated.get("status")
                    updated = merged
                return self.store_update(key, resource, ns, updated, dry)
        return status(405, "MethodNotAllowed", "not supported")

    def store_update(self, key, resource, ns, updated, dry):
        if dry:
            return 200, updated
        current = store[key]
        if current["metadata"].get("deletionTimestamp") and not updated["metadata"].get("finalizers"):
            del store[key]
            record("DELETED", resource, ns, updated)
            return 200, updated
        store[key] = updated
        record("MODIFIED", resource, ns, updated)
        return 200, updated

    def watch(self, resource, ns, query, api_version, info):
        if state["fail_watches"] > 0:
            state["fail_watches"] -= 1
            return status(503, "ServiceUnavailable", "watch refused for the test")
        since = query.get("resourceVersion") or "0"
        bookmarks = query.get("allowWatchBookmarks") == "true"
        selector = query.get("labelSelector")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.flush()
        if since != "0" and int(since) < state["compacted"]:
            self.chunk({"type": "ERROR", "object": {"kind": "Status", "apiVersion": "v1", "metadata": {},
                        "status": "Failure", "message": "too old resource version: %s (%d)" % (since, state["compacted"] - 1),
                        "reason": "Expired", "code": 410}})
            self.wfile.write(b"0\r\n\r\n")
            return None
        cursor = state["rv"] if since == "0" else int(since)
        if since == "0":
            for (r, n, _), o in sorted(store.items()):
                if r == resource and (not ns or n == ns) and matches(o, selector):
                    self.chunk({"type": "ADDED", "object": o})
        generation, seen_bookmarks = state["generation"], state["bookmarks"]
        timeout = float(query.get("timeoutSeconds") or 30)
        open_watches[generation] = open_watches.get(generation, 0) + 1
        cond.notify_all()
        try:
            self.stream_events(resource, ns, selector, bookmarks, cursor, generation, seen_bookmarks, timeout, api_version, info)
        finally:
            open_watches[generation] -= 1
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()
        return None

    def stream_events(self, resource, ns, selector, bookmarks, cursor, generation, seen_bookmarks, timeout, api_version, info):
        while True:
            if state["generation"] != generation:
                break
            pending = [e for e in events if e[0] > cursor]
            for rv, kind, r, n, o in pending:
                cursor = rv
                if r == resource and (not ns or n == ns) and matches(o, selector):
                    self.chunk({"type": kind, "object": o})
            if bookmarks and state["bookmarks"] != seen_bookmarks:
                seen_bookmarks = state["bookmarks"]
                self.chunk({"type": "BOOKMARK", "object": {"kind": info["kind"], "apiVersion": api_version,
                                                           "metadata": {"resourceVersion": str(state["rv"])}}})
            if not cond.wait(timeout):
                break


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if "--cert" in OPTIONS:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(OPTIONS["--cert"], OPTIONS["--key"])
        server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("ready %d" % server.server_address[1], flush=True)
    sys.stdin.read()
    server.shutdown()


main()
