"""Golden tests of the shipped topologies with `//tools:topology test` (the
topology test driver: no broker), a mismatch reported as a diff with exit
1, and the driver checked against the real engine: the engine binary on
its embedded broker, fed the same sample, writes the same records."""

import collections
import json
import os
import subprocess
import sys
import tempfile
import unittest
from datetime import datetime, timezone

TOOL = None
ENGINE = None
SAMPLE = "topology/samples/cgnat.syslog.log"
# Topologies fed their own sample instead of SAMPLE.
SAMPLES = {
    "topology/huawei_pattern.yaml": "topology/samples/huawei.syslog.log",
}
# The Kafka timestamp of the fed lines: the sample's day, so that RFC 3164
# lines (no year) get the year of the others.
INPUT_TIME = "2026-11-20T12:00:00Z"
GOLDEN = {
    "topology/cgnat.yaml": {
        "cgnat.events": "tests/topology/golden/cgnat/events.jsonl",
        "cgnat.sessions": "tests/topology/golden/cgnat/sessions.jsonl",
        "cgnat.port_blocks": "tests/topology/golden/cgnat/port_blocks.jsonl",
        "cgnat.deadletter": "tests/topology/golden/cgnat/deadletter.jsonl",
    },
    "topology/nfware_pattern.yaml": {
        "cgnat.events": "tests/topology/golden/nfware_pattern/events.jsonl",
        "cgnat.deadletter":
            "tests/topology/golden/nfware_pattern/deadletter.jsonl",
    },
    "topology/huawei_pattern.yaml": {
        "cgnat.events": "tests/topology/golden/huawei_pattern/events.jsonl",
        "cgnat.deadletter":
            "tests/topology/golden/huawei_pattern/deadletter.jsonl",
    },
    "topology/passthrough.yaml": {
        "cgnat.syslog.copy": "tests/topology/golden/passthrough/copy.jsonl",
        "cgnat.deadletter":
            "tests/topology/golden/passthrough/deadletter.jsonl",
    },
}


def runfile(path):
    return os.path.join(os.environ["TEST_SRCDIR"], "netstreams", path)


def sample(topology):
    return SAMPLES.get(topology, SAMPLE)


def driver_test(topology, expects, extra=(), input_time=INPUT_TIME):
    args = [TOOL, "test", runfile(topology),
            "--input=cgnat.syslog=" + runfile(sample(topology)),
            "--input_time=" + input_time]
    args += ["--expect=%s=%s" % (t, f) for t, f in expects.items()]
    return subprocess.run(args + list(extra), capture_output=True, text=True,
                          timeout=120)


def normalized(line):
    """What must agree between the driver and a real run: everything but
    offsets (the order of writes from different tasks into one partition is
    not deterministic in the engine), the partition of keyless records
    (the engine's producers spread those at random), and the timestamps of
    raw records (the time they were fed) and of dead letters."""
    r = json.loads(line)
    r.pop("offset")
    if "key" not in r:
        r.pop("partition")
    if isinstance(r["value"], str):
        r.pop("timestamp", None)
    if r["topic"].endswith("deadletter"):
        r["headers"].pop("deadletter.timestamp")
    return json.dumps(r, sort_keys=True)


class GoldenTest(unittest.TestCase):

    def test_shipped_topologies_match_their_golden_files(self):
        for topology, expects in GOLDEN.items():
            result = driver_test(
                topology, {t: runfile(f) for t, f in expects.items()})
            self.assertEqual(result.returncode, 0,
                             topology + "\n" + result.stdout + result.stderr)
            self.assertIn("PASSED: 0 of %d topics differ" % len(expects),
                          result.stdout)

    def test_nfware_as_patterns_makes_the_builtin_parsers_events(self):
        """NFWare written as RE2 patterns (topology/nfware_pattern.yaml)
        and the built-in parser, auto-detected in the default topology,
        write the same NFWare events: same keys, partitions, values."""
        def events(path, vendor=None):
            with open(runfile(path)) as f:
                records = [json.loads(l) for l in f if l.strip()]
            return [r for r in records
                    if vendor is None or r["value"]["vendor"] == vendor]
        builtin = events(GOLDEN["topology/cgnat.yaml"]["cgnat.events"],
                         "nfware")
        pattern = events(
            GOLDEN["topology/nfware_pattern.yaml"]["cgnat.events"])
        self.assertGreater(len(builtin), 20)
        self.assertEqual(pattern, builtin)

    def test_a_difference_is_shown_and_fails(self):
        tmp = tempfile.mkdtemp()
        with open(runfile(GOLDEN["topology/cgnat.yaml"]["cgnat.sessions"])) \
                as f:
            lines = f.read().splitlines()
        changed = lines[1].replace('"CLOSED"', '"EXPIRED"')
        self.assertNotEqual(changed, lines[1])
        wrong = os.path.join(tmp, "sessions.jsonl")
        with open(wrong, "w") as f:
            f.write("\n".join([lines[0], changed] + lines[3:]) + "\n")
        result = driver_test("topology/cgnat.yaml", {"cgnat.sessions": wrong})
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        out = result.stdout
        self.assertIn("FAIL  cgnat.sessions: expected 16 records", out)
        self.assertIn("got 17", out)
        self.assertIn("  - " + changed, out)
        self.assertIn("  + " + lines[1], out)
        self.assertIn("  + " + lines[2], out)
        self.assertIn("FAILED: 1 of 1 topics differ", out)

    def test_bad_arguments_exit_2(self):
        for extra in (["--input_time=yesterday"],
                      ["--input=no.such.topic=/dev/null"],
                      ["--expect=cgnat.events=/nonexistent.jsonl"]):
            result = driver_test("topology/cgnat.yaml",
                                 {"cgnat.sessions": "/dev/null"}, extra)
            self.assertEqual(result.returncode, 2, extra)

    def test_the_engine_writes_what_the_driver_writes(self):
        tmp = tempfile.mkdtemp()
        for topology, expects in GOLDEN.items():
            # The driver's records, with the time the engine will replay at
            # (RFC 3164 years are inferred from it).
            now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            files = {t: os.path.join(tmp, t + ".jsonl") for t in expects}
            made = driver_test(topology, files, ["--update"], input_time=now)
            self.assertEqual(made.returncode, 0, made.stdout + made.stderr)
            args = [ENGINE, "--topology=" + runfile(topology),
                    "--replay=cgnat.syslog=" + runfile(sample(topology)),
                    "--metrics_address=127.0.0.1:0"]
            args += ["--print=" + t for t in expects]
            result = subprocess.run(args, capture_output=True, text=True,
                                    timeout=120)
            self.assertEqual(result.returncode, 0, result.stderr)
            engine = collections.Counter(
                normalized(l) for l in result.stdout.splitlines()
                if l.startswith("{"))
            driver = collections.Counter()
            for f in files.values():
                with open(f) as lines:
                    driver.update(normalized(l) for l in lines if l.strip())
            self.assertGreater(sum(driver.values()), 30)
            self.assertEqual(engine, driver, topology)


if __name__ == "__main__":
    TOOL = os.path.abspath(sys.argv.pop(1))
    ENGINE = os.path.abspath(sys.argv.pop(1))
    unittest.main()
