#!/usr/bin/python3
"""What idle and half-sent connections cost ./mlapi serve, in heap after a full GC.

    bench/idle_connections.py [--connections 5000] [--heap 256m] [--hold 8]

Starts the server (the launcher's JVM flags: serial GC and the given heap), measures the heap in
use after a full GC (jcmd GC.run, then jcmd GC.heap_info), opens N connections that send nothing
and measures again, then N connections that each announce a 1 MiB body and send 14 bytes of it.
Prints one JSON object: bytes per idle connection and per half-sent body. Needs a quiet machine
for stable numbers (the heap is measured, not timed, so a busy one only adds noise from garbage).
The header timeout is raised to --hold + 60 s so the connections stay open while measured.
"""
import argparse
import json
import os
import re
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def java_home():
    out = subprocess.run(["bash", "-c", ". scripts/java-home.sh && echo $JAVA_HOME"], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def heap_used(jcmd, pid):
    subprocess.run([jcmd, str(pid), "GC.run"], capture_output=True, check=True)
    info = subprocess.run([jcmd, str(pid), "GC.heap_info"], capture_output=True, text=True, check=True).stdout
    # the serial collector's generations: "DefNew total 78656K, used 1865K ...", "Tenured total ..., used ..."
    used = [int(kib) for line in info.splitlines() if re.match(r"\s*(DefNew|Tenured|def new|tenured)", line)
            for kib in re.findall(r"used (\d+)K", line)]
    if not used:
        sys.exit("no heap figures in jcmd's answer:\n" + info)
    return sum(used) * 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=5000)
    parser.add_argument("--heap", default="256m")
    parser.add_argument("--hold", type=float, default=8, help="seconds to let the server settle")
    args = parser.parse_args()

    jcmd = os.path.join(java_home(), "bin", "jcmd")
    env = dict(os.environ, MLAPI_JAVA_OPTS=f"-XX:+UseSerialGC -Xmx{args.heap}")
    header_timeout = f"{int(args.hold) + 60}s"
    server = subprocess.Popen([os.path.join(ROOT, "mlapi"), "serve", "--port", "0", "--drain-delay", "0s",
                               "--header-timeout", header_timeout, "--request-timeout", header_timeout,
                               "--max-connections", str(args.connections + 100)],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        port = None
        for line in server.stdout:
            match = re.search(r"listening on http://[^:]+:(\d+)", line)
            if match:
                port = int(match.group(1))
                break
        if port is None:
            sys.exit("the server did not start")
        time.sleep(args.hold)
        baseline = heap_used(jcmd, server.pid)

        idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(args.connections)]
        time.sleep(args.hold)
        with_idle = heap_used(jcmd, server.pid)
        for s in idle:
            s.close()
        time.sleep(args.hold)

        head = (b"POST /predict HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
                b"Content-Length: 1048576\r\n\r\n{\"instances\":")
        half = []
        for _ in range(args.connections):
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(head)
            half.append(s)
        time.sleep(args.hold)
        with_half = heap_used(jcmd, server.pid)
        for s in half:
            s.close()

        print(json.dumps({
            "connections": args.connections,
            "heap": args.heap,
            "baseline_heap_bytes": baseline,
            "bytes_per_idle_connection": round((with_idle - baseline) / args.connections),
            "bytes_per_half_sent_body": round((with_half - baseline) / args.connections),
            "idle_total_mib": round((with_idle - baseline) / 2**20, 1),
            "half_sent_total_mib": round((with_half - baseline) / 2**20, 1),
        }))
    finally:
        server.terminate()
        server.wait(timeout=60)


if __name__ == "__main__":
    main()
