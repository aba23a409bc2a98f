#!/usr/bin/env python3
"""The drills of `make cluster-test`, on the cluster of ops/cluster.sh (started afresh).

Each drill prints its result on one line; the script exits non-zero if one fails. Standard
library only: it drives the servers through HAProxy as a browser would (cookies, CSRF and
form tokens), and PostgreSQL with psql.
"""
import http.cookiejar
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
CLUSTER = os.path.join(HERE, "cluster.sh")
BACKUP = os.path.join(HERE, "backup.sh")
PASSWORD = "demo-renfort-2026"
failures = []


def sh(*args, env=None, check=True):
    return subprocess.run(list(args), check=check, capture_output=True, text=True, env={**os.environ, **(env or {})}).stdout


ENV = dict(re.findall(r"export (\w+)='?([^' \n]*)'?", sh(CLUSTER, "env").replace(" CLUSTER_", "\nexport CLUSTER_")))
HTTP = ENV["CLUSTER_HTTP"]
STATE = ENV["CLUSTER_STATE"]


def result(name, ok, detail):
    print(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}", flush=True)
    if not ok:
        failures.append(name)


def psql(port, sql, database="renfort"):
    runner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return sh(*runner, "/usr/lib/postgresql/15/bin/psql", "-X", "-tA", "-h", ENV["CLUSTER_SOCKET"], "-p", str(port),
              "-U", "postgres" if os.geteuid() == 0 else os.environ.get("USER", ""), "-d", database, "-c", sql).strip()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Cookies kept, redirects not followed (a 303 is the acknowledgement)."""

    def __init__(self, base=HTTP):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())

    def request(self, path, data=None, base=None, timeout=15):
        url = (base or self.base) + path
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        origin = base or self.base
        request = urllib.request.Request(url, data=body, headers={"Origin": origin, "Sec-Fetch-Site": "same-origin"})
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode(errors="replace")

    def get(self, path, base=None):
        return self.request(path, base=base)

    def tokens(self, path, base=None):
        status, _, page = self.get(path, base=base)
        csrf = re.search(r'name="_csrf" value="([^"]*)"', page)
        form = re.search(r'name="_form" value="([^"]*)"', page)
        return (csrf.group(1) if csrf else ""), (form.group(1) if form else None)

    def post(self, path, fields, form_page=None, base=None):
        csrf, form = self.tokens(form_page or path, base=base)
        data = {"_csrf": csrf, **fields}
        if form:
            data["_form"] = form
        return self.request(path, data, base=base)

    def sign_in(self, email, password=PASSWORD, base=None):
        status, headers, _ = self.post("/login", {"email": email, "password": password}, base=base)
        return status, headers.get("Location", "")


def wait_ready(url, seconds=30):
    end = time.time() + seconds
    while time.time() < end:
        try:
            with urllib.request.urlopen(url + "/health/ready", timeout=2) as response:
                if response.status == 200:
                    return True
        except Exception:
            pass
        time.sleep(0.2)
    return False


def drill_proxy():
    adviser = Browser()
    status, location = adviser.sign_in("conseiller1@cahors.renfort.test")
    ok = status == 303
    # The same session on each node, directly.
    pages = [adviser.get("/c/cahors", base=ENV[name])[0] for name in ("CLUSTER_SERVER1", "CLUSTER_SERVER2")]
    # (Cookies do not depend on the port: the session cookie set through HAProxy goes to each node.)
    ok = ok and all(p == 200 for p in pages)
    # Sign-in throttle shared by the nodes: five wrong passwords, alternating, then even the right one waits.
    stranger = Browser()
    for attempt in range(5):
        base = ENV["CLUSTER_SERVER1" if attempt % 2 == 0 else "CLUSTER_SERVER2"]
        stranger.sign_in("employeur3@cahors.renfort.test", "wrong-password", base=base)
    refused, _ = stranger.sign_in("employeur3@cahors.renfort.test", base=ENV["CLUSTER_SERVER1"])
    result("sign-in through the proxy", ok and refused != 303,
           f"signed in through HAProxy ({status} → {location or '?'}), the session valid on both nodes ({pages}), "
           f"five failures split over the two nodes lock the account on each (then {refused})")


def drill_outbox():
    mails = os.path.join(STATE, "mail")
    before = set(os.listdir(mails))
    people = [f"employeur{n}@cahors.renfort.test" for n in range(1, 9)] + ["conseiller2@cahors.renfort.test"]
    for n, email in enumerate(people):
        base = ENV["CLUSTER_SERVER1" if n % 2 == 0 else "CLUSTER_SERVER2"]
        Browser().post("/mot-de-passe-oublie", {"email": email}, base=base)
    end = time.time() + 60
    while time.time() < end and psql(ENV["CLUSTER_PRIMARY_PORT"], "SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL AND channel = 'email'") != "0":
        time.sleep(0.5)
    pending = psql(ENV["CLUSTER_PRIMARY_PORT"], "SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL AND channel = 'email'")
    new = [f for f in os.listdir(mails) if f not in before and f.endswith(".eml")]
    ids = []
    for f in os.listdir(mails):
        if f.endswith(".eml"):
            with open(os.path.join(mails, f), encoding="utf-8", errors="replace") as handle:
                found = re.search(r"^Message-ID: (\S+)", handle.read(), re.M)
                if found:
                    ids.append(found.group(1))
    resets = sum(1 for f in new if "mot-de-passe" in open(os.path.join(mails, f), encoding="utf-8", errors="replace").read())
    result("outbox sent once by two servers", pending == "0" and resets == len(people) and len(ids) == len(set(ids)),
           f"{len(people)} password links asked on alternate nodes: {resets} mails, {len(ids)} mails in all with "
           f"{len(set(ids))} distinct Message-IDs (follow-up reminders included), {pending} pending")


def observer():
    browser = Browser()
    browser.sign_in("observateur@dreets.renfort.test")
    return browser


def drill_replica():
    browser = observer()
    status, _, page = browser.get("/observateur")
    fresh = re.search(r'<p class="freshness">([^<]*)', page)
    tiles = [re.findall(r'tile__value">([^<]*)', browser.get("/observateur", base=ENV[n])[2]) for n in ("CLUSTER_SERVER1", "CLUSTER_SERVER2")]
    result("observers read the replica", status == 200 and fresh is not None and tiles[0] == tiles[1] and tiles[0],
           f"/observateur {status}, \"{fresh.group(1) if fresh else 'no freshness line'}\", the same figures on both nodes {tiles[0]}")
    # A hire recorded through one node is counted on the other's next pages, read from the replica.
    primary = ENV["CLUSTER_PRIMARY_PORT"]
    application = psql(primary, "SELECT a.id FROM applications a JOIN centres c ON c.id = a.tenant_id "
                                "WHERE c.slug = 'cahors' AND a.stage = 'offer' ORDER BY a.id LIMIT 1")
    adviser = Browser(ENV["CLUSTER_SERVER1"])
    adviser.sign_in("conseiller1@cahors.renfort.test")
    hired, _, _ = adviser.post(f"/c/cahors/candidatures/{application}/embauche",
                               {"contract_kind": "cdi", "start_date": time.strftime("%Y-%m-%d"), "hours_per_week": "35", "confirm": "1"},
                               form_page=f"/c/cahors/candidatures/{application}")
    written = time.time()
    seen = None
    while time.time() - written < 5:
        now = re.findall(r'tile__value">([^<]*)', browser.get("/observateur", base=ENV["CLUSTER_SERVER2"])[2])
        if now != tiles[0]:
            seen = time.time() - written
            break
        time.sleep(0.05)
    result("a change on one node is counted on the other", hired == 303 and seen is not None,
           f"a hire recorded through server 1 ({hired}): server 2's observer home, read from the replica, counted it after "
           f"{seen if seen is None else f'{seen * 1000:.0f} ms'} ({tiles[0][:4]} → {now[:4]})")
    sh(CLUSTER, "pg", "replica", "stop")
    started = time.time()
    status, _, page = browser.get("/observateur")
    took = time.time() - started
    fallback = status == 200 and "freshness" not in page
    sh(CLUSTER, "pg", "replica", "start")
    time.sleep(3)
    back = "freshness" in browser.get("/observateur")[2]
    result("replica stopped: the primary serves", fallback and back,
           f"with the replica stopped /observateur answered {status} in {took:.2f} s from the primary (no freshness line); "
           f"replica started again: {'read again' if back else 'not read again'}")


def drill_server_stopped():
    stop = threading.Event()
    counts = {"ok": 0, "failed": 0}
    lock = threading.Lock()

    def load():
        browser = observer()
        while not stop.is_set():
            try:
                status = browser.get("/c/cahors/tableau-de-bord")[0]
            except Exception:
                status = 0
            with lock:
                counts["ok" if status == 200 else "failed"] += 1

    threads = [threading.Thread(target=load) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(3)
    started = time.time()
    sh(CLUSTER, "server", "1", "stop")
    exited = time.time() - started
    time.sleep(3)
    sh(CLUSTER, "server", "1", "start")
    ready = wait_ready(ENV["CLUSTER_SERVER1"])
    time.sleep(3)
    stop.set()
    for t in threads:
        t.join()
    result("a server stopped under load", counts["failed"] == 0 and ready,
           f"4 clients for 9 s through HAProxy, server 1 stopped with SIGTERM (exited in {exited:.1f} s) then started: "
           f"{counts['ok']} requests answered, {counts['failed']} failed")


def new_candidates(browser, prefix, count, stop=None, acknowledged=None, failed=None):
    for n in range(count):
        if stop is not None and stop.is_set():
            return
        fields = {"first_name": f"Essai{n}", "last_name": f"{prefix}{n}", "commune_name": "Cahors", "commune_insee": "46042",
                  "email": f"{prefix.lower()}{n}@essai.renfort.test", "source": "other"}
        try:
            status, headers, _ = browser.post("/c/cahors/candidats", fields, form_page="/c/cahors/candidats/nouveau")
        except Exception:
            status, headers = 0, {}
        location = headers.get("Location", "") if status == 303 else ""
        if re.fullmatch(r"/c/cahors/candidats/\d+", location.split("?")[0]) and acknowledged is not None:
            acknowledged.append(f"{prefix}{n}")
        elif status == 303 and failed is not None:
            failed.append(f"303 to {location}")
        elif status != 303 and failed is not None:
            failed.append(status)
        if stop is not None:
            time.sleep(0.05)


def drill_restore():
    primary = ENV["CLUSTER_PRIMARY_PORT"]
    env = {"BACKUP_DIR": os.path.join(STATE, "backups"), "WAL_ARCHIVE": ENV["CLUSTER_ARCHIVE"], "PGSOCKET": ENV["CLUSTER_SOCKET"],
           "BACKUP_SOURCE": f"host=127.0.0.1 port={primary} user=replicator",
           "PGPASSWORD": dict(line.split("=", 1) for line in open(os.path.join(STATE, "credentials")).read().split())["replication_password"]}
    sh(BACKUP, "base", env=env)
    adviser = Browser()
    adviser.sign_in("conseiller1@cahors.renfort.test")
    new_candidates(adviser, "Avant", 5)
    # The state at the chosen point: no write may fall between the checksums and the point. The
    # servers' own background work (the outbox's delivery of the new records' notices, its
    # retries) may write at any moment: a point is kept only when the checksums read just
    # before and just after it are the same.
    for attempt in range(10):
        point = f"drill-{int(time.time())}-{attempt}"
        expected = sh(BACKUP, "checksums", str(primary), env=env)
        psql(primary, f"SELECT pg_create_restore_point('{point}')")
        if sh(BACKUP, "checksums", str(primary), env=env) == expected:
            break
        time.sleep(1)
    new_candidates(adviser, "Apres", 5)
    psql(primary, "SELECT pg_switch_wal()")
    time.sleep(2)
    restored_dir = os.path.join(STATE, "restored")
    port = str(int(primary) + 5)
    subprocess.run(["rm", "-rf", restored_dir], check=True)
    started = time.time()
    sh(BACKUP, "restore", restored_dir, port, "--name", point, env=env)
    took = time.time() - started
    restored = sh(BACKUP, "checksums", port, env=env)
    later = sh(BACKUP, "checksums", str(primary), env=env)
    runner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run(runner + ["/usr/lib/postgresql/15/bin/pg_ctl", "-D", restored_dir, "-m", "fast", "-w", "stop"], capture_output=True)
    tables = len(expected.splitlines())
    result("restore to a point in time", restored == expected and restored != later,
           f"base backup + archived WAL restored to the named point '{point}' in {took:.1f} s: {tables} tables, row counts and "
           f"checksums {'equal to' if restored == expected else 'DIFFERENT from'} the source at that point "
           f"({'and different from' if restored != later else 'the same as'} the source now, 5 candidates later)")


def drill_failover():
    adviser = Browser()
    adviser.sign_in("conseiller1@cahors.renfort.test")
    acknowledged, failed = [], []
    stop = threading.Event()
    writer = threading.Thread(target=new_candidates, args=(adviser, "Bascule", 100000, stop, acknowledged, failed))
    writer.start()
    time.sleep(3)
    before = len(acknowledged)
    stopped = time.time()
    sh(CLUSTER, "pg", "primary", "stop")
    sh(CLUSTER, "promote")
    # Time until a write is acknowledged again.
    while len(acknowledged) == before + 0 and time.time() - stopped < 60:
        time.sleep(0.05)
    recovered = time.time() - stopped
    time.sleep(3)
    stop.set()
    writer.join()
    names = "','".join(acknowledged)
    present = psql(ENV["CLUSTER_REPLICA_PORT"], f"SELECT count(*) FROM candidates WHERE last_name IN ('{names}')")
    found = set(psql(ENV["CLUSTER_REPLICA_PORT"], f"SELECT last_name FROM candidates WHERE last_name IN ('{names}')").split())
    missing = [name for name in acknowledged if name not in found]
    result("fail-over", int(present) == len(acknowledged) and recovered < 60,
           f"primary stopped under writes and the replica promoted: writes acknowledged again after {recovered:.1f} s; "
           f"{len(acknowledged)} candidates acknowledged, {present} found on the new primary, {len(failed)} refused meanwhile "
           f"(statuses {sorted(set(map(str, failed)))}){'; missing: ' + ', '.join(missing) if missing else ''}")


def main():
    print("cluster-test: starting a fresh cluster (ops/cluster.sh reset, then start)", flush=True)
    sh(CLUSTER, "reset", check=False)
    subprocess.run([CLUSTER, "start"], check=True, stdout=subprocess.DEVNULL)
    global ENV
    ENV = dict(re.findall(r"export (\w+)='?([^' \n]*)'?", sh(CLUSTER, "env").replace(" CLUSTER_", "\nexport CLUSTER_")))
    started = time.time()
    for drill in (drill_proxy, drill_outbox, drill_replica, drill_server_stopped, drill_restore, drill_failover):
        try:
            drill()
        except Exception as error:  # a drill that breaks is a failed drill, and the others still run
            result(drill.__name__, False, f"{type(error).__name__}: {error}")
    print(f"cluster-test: {len(failures)} failed drill(s) in {time.time() - started:.0f} s", flush=True)
    if os.environ.get("KEEP") == "1":
        sh(CLUSTER, "stop", check=False)
        print(f"cluster-test: stopped, its data and logs kept in {STATE} (after the fail-over its replica is the primary: "
              "ops/cluster.sh reset before make cluster)")
    else:
        # After the fail-over the old primary is behind the new one: the next `make cluster` starts afresh.
        sh(CLUSTER, "reset", check=False)
        print("cluster-test: the cluster is stopped and deleted (KEEP=1 keeps its data and logs)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
