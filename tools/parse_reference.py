"""The Python baseline of //tools:parse_bench: NAT log parsing the way
operators' consumers do it today (a regex per format, a dict per line).

Reads the lines of the files named on the command line, parses each with
one compiled regex for the syslog header and one for the NFWare body,
builds a dict of typed, validated fields (addresses through ipaddress,
the RFC 5424 time through datetime), and prints one line:

    python_reference lines=N cpu_s=S lines_per_s=R

The engine's benchmark runs this in the same session so that the ratio it
reports is measured on the same machine at the same time.
"""

import ipaddress
import re
import sys
import time
from datetime import datetime

HEADER = re.compile(
    r"^(?:<(?P<pri>\d+)>)?(?:1 (?P<ts5424>\S+) (?P<host5424>\S+) \S+ \S+ \S+ "
    r"(?:-|\[.*?\]) ?|(?P<ts3164>\w{3} [ \d]\d \d\d:\d\d:\d\d) "
    r"(?P<host3164>\S+) [^:]+: )?(?P<msg>.*)$")
NFWARE = re.compile(
    r"^(?P<action>[AD]) +VRF +(?P<vrf>\d+)(?: +(?P<proto>\d+))? +INT +"
    r"\[?(?P<inside_ip>[0-9A-Fa-f.:]+?)\]?(?::(?P<inside_port>\d+))? +EXT +"
    r"\[?(?P<outside_ip>[0-9A-Fa-f.:]+?)\]?(?::(?P<outside_port>\d+)"
    r"(?:-(?P<port_end>\d+))?)?(?: +DST +\[?(?P<dst_ip>[0-9A-Fa-f.:]+?)\]?:"
    r"(?P<dst_port>\d+) +DIR +(?P<dir>IN|OUT))? *$")


def parse(line):
    h = HEADER.match(line)
    if h is None:
        return None
    m = NFWARE.match(h.group("msg"))
    if m is None:
        return None
    d = m.groupdict()
    event = {
        "action": "CREATE" if d["action"] == "A" else "DELETE",
        "vrf": d["vrf"],
        "protocol": int(d["proto"]) if d["proto"] else 0,
        "inside_ip": ipaddress.ip_address(d["inside_ip"]),
        "inside_port": int(d["inside_port"]) if d["inside_port"] else 0,
        "outside_ip": ipaddress.ip_address(d["outside_ip"]),
        "outside_port": int(d["outside_port"]) if d["outside_port"] else 0,
        "device": h.group("host5424") or h.group("host3164") or "",
    }
    if h.group("ts5424"):
        event["time"] = datetime.fromisoformat(
            h.group("ts5424").replace("Z", "+00:00"))
    elif h.group("ts3164"):
        event["time"] = h.group("ts3164")
    if d["dst_ip"]:
        event["destination_ip"] = ipaddress.ip_address(d["dst_ip"])
        event["destination_port"] = int(d["dst_port"])
        event["direction"] = "OUTBOUND" if d["dir"] == "OUT" else "INBOUND"
    return event


def main(paths):
    lines = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            lines += [l.rstrip("\n") for l in f if l.strip()]
    # Enough work for a stable figure: about 300,000 parses.
    rounds = max(1, 300000 // len(lines))
    parsed = 0
    start = time.process_time()
    for _ in range(rounds):
        for line in lines:
            try:
                if parse(line) is not None:
                    parsed += 1
            except ValueError:
                pass
    cpu = time.process_time() - start
    n = rounds * len(lines)
    print("python_reference lines=%d parsed=%d cpu_s=%.3f lines_per_s=%.0f" %
          (n, parsed, cpu, n / cpu))


if __name__ == "__main__":
    main(sys.argv[1:])
