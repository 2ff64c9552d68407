"""End to end: the engine binary against the dev broker in its own process,
outputs read back and decoded by independent clients (confluent-kafka with
the generated Python protobuf classes, and kcat)."""

import ipaddress
import json
import os
import re
import signal
import subprocess
import tempfile
import time
import unittest

import harness
from cgnat.v1 import nat_event_pb2

FIXTURE = "tests/integration/testdata/nfware_mixed.log"
RESTART_TOPOLOGY = "tests/integration/testdata/restart.yaml"
DEFAULT_TOPOLOGY = "topology/cgnat.yaml"

E = nat_event_pb2


def ip(text):
    return ipaddress.ip_address(text).packed


def ts(text):
    from datetime import datetime
    return int(datetime.fromisoformat(text.replace("Z", "+00:00"))
               .timestamp() * 1000)


# What each good fixture line must decode to, field by field (fields not
# listed must have their default value).
EXPECTED = {
    # keyed by (inside_port, action)
    (40001, E.CREATE): dict(
        mapping=E.SESSION, event_ms=ts("2026-11-20T10:00:00.250Z"),
        device="cgn-a", vrf="0", protocol=6, inside_ip=ip("10.1.0.1"),
        inside_port=40001, outside_ip=ip("100.64.0.1"), outside_port=20001,
        destination_ip=ip("185.165.123.206"), destination_port=443,
        direction=E.OUTBOUND),
    (40001, E.DELETE): dict(
        mapping=E.SESSION, event_ms=ts("2026-11-20T10:05:00.500Z"),
        device="cgn-a", vrf="0", protocol=6, inside_ip=ip("10.1.0.1"),
        inside_port=40001, outside_ip=ip("100.64.0.1"), outside_port=20001,
        destination_ip=ip("185.165.123.206"), destination_port=443,
        direction=E.OUTBOUND),
    (5060, E.CREATE): dict(
        mapping=E.SESSION, event_ms=ts("2026-11-20T09:00:01Z"),
        device="cgn-b", vrf="7", protocol=17, inside_ip=ip("10.1.0.2"),
        inside_port=5060, outside_ip=ip("100.64.0.2"), outside_port=5060,
        destination_ip=ip("198.51.100.7"), destination_port=5060,
        direction=E.INBOUND),
    (53000, E.CREATE): dict(
        mapping=E.PORT, event_ms=None,  # BSD header: year from Kafka time
        device="cgn-c", vrf="3", protocol=17, inside_ip=ip("10.1.0.3"),
        inside_port=53000, outside_ip=ip("100.64.0.3"), outside_port=30000),
    (0, E.DELETE): dict(
        mapping=E.ADDRESS, event_ms=None, device="cgn-c", vrf="3",
        inside_ip=ip("10.1.0.4"), outside_ip=ip("100.64.0.4")),
    (0, E.CREATE): dict(
        mapping=E.PORT_BLOCK, event_ms=ts("2026-11-20T10:00:04Z"),
        device="cgn-d", vrf="0", inside_ip=ip("10.1.0.5"),
        outside_ip=ip("100.64.0.5"), port_block_start=1024,
        port_block_end=1535),
    (51000, E.CREATE): dict(
        mapping=E.SESSION, event_ms=ts("2026-11-20T10:00:05Z"),
        device="cgn-d", vrf="0", protocol=6, inside_ip=ip("2001:db8::5"),
        inside_port=51000, outside_ip=ip("100.64.0.6"), outside_port=30001,
        destination_ip=ip("2606:4700::1111"), destination_port=443,
        direction=E.OUTBOUND),
    (7, E.CREATE): dict(
        mapping=E.SESSION, event_ms=None,  # no header: Kafka time
        device="", vrf="0", protocol=1, inside_ip=ip("10.1.0.6"),
        inside_port=7, outside_ip=ip("100.64.0.7"), outside_port=7,
        destination_ip=ip("8.8.8.8"), destination_port=0,
        direction=E.OUTBOUND),
}

BAD_LINES = {
    "<134>1 2026-11-20T10:00:06Z cgn-a vcgnat - - - A VRF 0 6 INT "
    "10.1.0.9:70000 EXT 100.64.0.1:2000 DST 8.8.4.4:53 DIR OUT":
        "invalid_value",
    "<134>1 2026-11-20T10:00:07Z cgn-a vcgnat - - - X VRF 0 6 INT "
    "10.1.0.9:7000 EXT 100.64.0.1:2000": "unrecognized",  # no vendor's
    "not a NAT log line at all": "unrecognized",
    "<134>1 2026-11-20T10:00:08Z cgn-a vcgnat - - - A VRF 0 6 INT "
    "10.1.0.999:1 EXT 100.64.0.1:2": "invalid_value",
}

class EngineEndToEndTest(unittest.TestCase):

    def setUp(self):
        self.broker = harness.DevBroker(harness.runfile(DEFAULT_TOPOLOGY))

    def tearDown(self):
        self.broker.stop()

    def run_default_pipeline(self, extra=()):
        result = harness.run_engine([
            "--topology=" + harness.runfile(DEFAULT_TOPOLOGY),
            "--bootstrap_servers=" + self.broker.bootstrap,
            "--state_dir=" + tempfile.mkdtemp(),
            "--replay=cgnat.syslog=" + harness.runfile(FIXTURE),
            "--until_idle"] + list(extra))
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        return result

    def test_every_field_of_every_event_and_dead_letter(self):
        started_ms = int(time.time() * 1000)
        self.run_default_pipeline()
        events = harness.read_topic(self.broker.bootstrap, "cgnat.events")
        self.assertEqual(len(events), len(EXPECTED))
        seen = set()
        for record in events:
            event = E.NatEvent()
            event.ParseFromString(record["value"])
            key = (event.inside_port, event.action)
            self.assertNotIn(key, seen)
            seen.add(key)
            want = EXPECTED[key]
            for field in harness.NAT_EVENT_FIELDS:
                if field == "action":
                    continue
                expected = want.get(field, type(getattr(event, field))())
                if field == "vendor":
                    expected = "nfware"
                self.assertEqual(getattr(event, field), expected,
                                 "%s of %s" % (field, key))
            event_ms = (event.event_time.seconds * 1000 +
                        event.event_time.nanos // 1000000)
            if want["event_ms"] is not None:
                self.assertEqual(event_ms, want["event_ms"], key)
            elif key == (7, E.CREATE):
                # No syslog header: the Kafka record time of the input.
                self.assertGreaterEqual(event_ms, started_ms - 1000)
            else:
                # BSD header: Nov 20 of the year nearest to the input time.
                self.assertIn(time.gmtime(event_ms / 1000).tm_mon, (11,))
            # Keyed by inside_ip as text; record time is the event time.
            self.assertEqual(record["key"].decode(),
                             str(ipaddress.ip_address(event.inside_ip)))
            self.assertEqual(record["timestamp"], event_ms)
        self.assertEqual(seen, set(EXPECTED))

        dead = harness.read_topic(self.broker.bootstrap, "cgnat.deadletter")
        self.assertEqual(len(dead), len(BAD_LINES))
        inputs = harness.read_topic(self.broker.bootstrap, "cgnat.syslog")
        by_position = {(r["partition"], r["offset"]): r["value"]
                       for r in inputs}
        for record in dead:
            line = record["value"].decode()
            headers = {k: v.decode() for k, v in record["headers"].items()}
            self.assertIn(line, BAD_LINES)
            self.assertEqual(headers["deadletter.reason_class"],
                             BAD_LINES[line])
            self.assertEqual(headers["deadletter.stage"], "parse")
            self.assertEqual(headers["deadletter.topic"], "cgnat.syslog")
            # The default topology detects the vendor: a line NFWare's
            # detector claims fails in its parser; others match no vendor.
            self.assertRegex(headers["deadletter.reason"],
                             r"^(nfware: |no built-in format recognizes "
                             r"the message \(at byte \d+\)$)")
            # The headers point at the very record that failed.
            position = (int(headers["deadletter.partition"]),
                        int(headers["deadletter.offset"]))
            self.assertEqual(by_position[position].decode(), line)

        # Offsets are committed at the end of every input partition.
        ends = harness.end_offsets(self.broker.bootstrap, "cgnat.syslog")
        committed = harness.committed(self.broker.bootstrap, "cgnat-sessions",
                                      "cgnat.syslog", len(ends))
        for partition, end in ends.items():
            if end > 0:
                self.assertEqual(committed[partition], end)

    def test_kcat_reads_keys_and_values(self):
        self.run_default_pipeline()
        out = subprocess.run(
            ["kcat", "-b", self.broker.bootstrap, "-C", "-t", "cgnat.events",
             "-e", "-q", "-f", "%k\n"], capture_output=True, timeout=60,
            check=True).stdout.decode().split()
        self.assertEqual(sorted(out), sorted(
            str(ipaddress.ip_address(v["inside_ip"]))
            for v in EXPECTED.values()))

    def test_print_writes_decoded_json_lines(self):
        result = self.run_default_pipeline(
            ["--print=cgnat.events", "--print=cgnat.deadletter"])
        lines = [json.loads(l) for l in result.stdout.decode().splitlines()]
        events = [l for l in lines if l["topic"] == "cgnat.events"]
        dead = [l for l in lines if l["topic"] == "cgnat.deadletter"]
        self.assertEqual(len(events), len(EXPECTED))
        self.assertEqual(len(dead), len(BAD_LINES))
        v6 = [e for e in events if e["value"].get("inside_port") == 51000][0]
        self.assertEqual(v6["value"]["inside_ip"], "2001:db8::5")
        self.assertEqual(v6["value"]["destination_ip"], "2606:4700::1111")
        self.assertEqual(v6["value"]["event_time"], "2026-11-20T10:00:05Z")
        self.assertEqual(v6["value"]["action"], "CREATE")
        self.assertEqual(v6["key"], "2001:db8::5")
        for d in dead:
            self.assertIn(d["value"], BAD_LINES)
            self.assertEqual(d["headers"]["deadletter.stage"], "parse")
        # The summary goes to stderr when stdout carries JSON.
        self.assertIn("== summary ==", result.stderr.decode())


class EngineLifecycleTest(unittest.TestCase):

    def setUp(self):
        self.broker = harness.DevBroker(harness.runfile(RESTART_TOPOLOGY))
        self.tmp = tempfile.mkdtemp()

    def tearDown(self):
        self.broker.stop()

    def write_lines(self, name, first, count):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            for i in range(first, first + count):
                f.write("A VRF 0 6 INT 10.%d.%d.%d:%d EXT 100.64.0.1:%d DST "
                        "8.8.8.8:53 DIR OUT\n" % (
                            i // 65536 % 256, i // 256 % 256, i % 256,
                            1024 + i % 60000, 1024 + i % 60000))
        return path

    def test_sigterm_commits_delivered_work_and_restart_loses_nothing(self):
        total = 60000
        path = self.write_lines("input.log", 0, total)
        engine = harness.start_engine([
            "--topology=" + harness.runfile(RESTART_TOPOLOGY),
            "--bootstrap_servers=" + self.broker.bootstrap,
            "--replay=cgnat.syslog=" + path])
        # Wait until it is processing, then stop it mid-stream.
        deadline = time.time() + 60
        while time.time() < deadline:
            ends = harness.end_offsets(self.broker.bootstrap, "cgnat.events")
            if sum(ends.values()) > 0:
                break
            time.sleep(0.05)
        engine.send_signal(signal.SIGTERM)
        _, stderr = engine.communicate(timeout=60)
        self.assertEqual(engine.returncode, 0, stderr.decode())
        self.assertIn("stop requested", stderr.decode())

        # At-least-once: every input before a committed offset has its
        # output already in cgnat.events.
        committed = harness.committed(self.broker.bootstrap, "restart-test",
                                      "cgnat.syslog", 4)
        outputs_after_stop = sum(harness.end_offsets(
            self.broker.bootstrap, "cgnat.events").values())
        committed_inputs = sum(max(o, 0) for o in committed.values())
        self.assertGreaterEqual(outputs_after_stop, committed_inputs)

        # Restart and drain: every input line has an output.
        result = harness.run_engine([
            "--topology=" + harness.runfile(RESTART_TOPOLOGY),
            "--bootstrap_servers=" + self.broker.bootstrap, "--until_idle"])
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        events = harness.read_topic(self.broker.bootstrap, "cgnat.events")
        distinct = set()
        for record in events:
            e = E.NatEvent()
            e.ParseFromString(record["value"])
            distinct.add((e.inside_ip, e.inside_port))
        self.assertEqual(len(distinct), total)
        # Duplicates only from the window between the last commit and the
        # stop, which a graceful stop closes: none expected.
        self.assertEqual(len(events), total)

    def count_outputs(self):
        return sum(harness.end_offsets(self.broker.bootstrap,
                                       "cgnat.events").values())

    def test_second_instance_takes_over_partitions_without_loss(self):
        first = self.write_lines("first.log", 0, 20000)
        second = self.write_lines("second.log", 20000, 20000)
        topology = "--topology=" + harness.runfile(RESTART_TOPOLOGY)
        bootstrap = "--bootstrap_servers=" + self.broker.bootstrap
        logs = [open(os.path.join(self.tmp, n), "w+")
                for n in ("a.err", "b.err")]
        a = harness.start_engine([topology, bootstrap,
                                  "--replay=cgnat.syslog=" + first],
                                 stderr=logs[0])
        harness.wait_for(lambda: self.count_outputs() >= 20000,
                         what="A output")
        b = harness.start_engine([topology, bootstrap], stderr=logs[1])

        def log_of(i):
            logs[i].seek(0)
            return logs[i].read()
        harness.wait_for(lambda: "partitions assigned" in log_of(1),
                         what="B assignment")
        self.assertIn("partitions revoked", log_of(0))
        # More input from an independent producer, after the rebalance.
        subprocess.run(["kcat", "-P", "-b", self.broker.bootstrap, "-t",
                        "cgnat.syslog", "-l", second], check=True,
                       timeout=60)
        harness.wait_for(lambda: self.count_outputs() >= 40000,
                         what="all outputs")
        a.send_signal(signal.SIGTERM)
        b.send_signal(signal.SIGTERM)
        out_a, _ = a.communicate(timeout=60)
        out_b, _ = b.communicate(timeout=60)
        self.assertEqual((a.returncode, b.returncode), (0, 0),
                         log_of(0) + log_of(1))

        def consumed(summary):
            for line in summary.decode().splitlines():
                cols = line.split()
                if cols[:2] == ["syslog", "source"]:
                    return int(cols[2])
            self.fail("no summary: " + summary.decode())
        # Both instances did work; together they saw each record once.
        self.assertGreater(consumed(out_b), 0)
        self.assertGreater(consumed(out_a), 20000)
        events = harness.read_topic(self.broker.bootstrap, "cgnat.events")
        distinct = set()
        for record in events:
            e = E.NatEvent()
            e.ParseFromString(record["value"])
            distinct.add((e.inside_ip, e.inside_port))
        self.assertEqual(len(distinct), 40000)
        # At-least-once: a coordinator may refuse the hand-over commit of
        # a revocation (the mock cluster does while the group rebalances;
        # Kafka accepts it). The engine then reports how many processed
        # records the next owner redoes; only those may be duplicated.
        logs = log_of(0) + log_of(1)
        self.assertNotIn("count unknown", logs)
        redone = sum(int(n) for n in re.findall(
            r'msg="hand-over commit failed[^"]*" .*reason=revoked .*'
            r'records=(\d+)', logs))
        self.assertGreaterEqual(len(events), 40000)
        self.assertLessEqual(len(events), 40000 + redone, logs)

    def test_invalid_topology_exits_2_with_file_and_line(self):
        bad = os.path.join(self.tmp, "bad.yaml")
        with open(bad, "w") as f:
            f.write("application_id: x\ntopics:\n  - name: a\n    "
                    "partitions: many\n")
        result = harness.run_engine(["--topology=" + bad,
                                     "--bootstrap_servers=127.0.0.1:1"])
        self.assertEqual(result.returncode, 2)
        self.assertIn(bad + ":4:17: topics[0].partitions: expected a "
                      "non-negative integer, got 'many'",
                      result.stderr.decode())

    def test_invalid_flags_exit_2(self):
        for args in (["--nonsense"], ["--replay=nofile"],
                     ["--replay=cgnat.syslog=/nonexistent"],
                     ["--print=no.such.topic"], ["positional"]):
            result = harness.run_engine(
                ["--topology=" + harness.runfile(DEFAULT_TOPOLOGY)] + args)
            self.assertEqual(result.returncode, 2, args)
            self.assertTrue(result.stderr.decode().startswith("engine: "),
                            result.stderr)

    def test_unreachable_brokers_are_reported_and_secrets_never_logged(self):
        with open(harness.runfile(DEFAULT_TOPOLOGY)) as f:
            text = f.read()
        text = text.replace(
            "  bootstrap.servers: localhost:9092\n",
            "  bootstrap.servers: localhost:9092\n"
            "  security.protocol: SASL_SSL\n"
            "  sasl.mechanism: PLAIN\n"
            "  sasl.username: operator\n"
            "  sasl.password: \"pw-hunter2-secret\"\n"
            "  ssl.key.password: \"keypw-secret\"\n")
        self.assertIn("pw-hunter2-secret", text)
        path = os.path.join(self.tmp, "secret.yaml")
        with open(path, "w") as f:
            f.write(text)
        for log_format in ("text", "json"):
            result = harness.run_engine(
                ["--topology=" + path, "--bootstrap_servers=127.0.0.1:1",
                 "--log_level=debug", "--log_format=" + log_format],
                timeout=120)
            self.assertEqual(result.returncode, 1)
            out = result.stdout.decode() + result.stderr.decode()
            self.assertIn("waiting for the Kafka brokers", out)
            self.assertIn("topics are not ready", out)
            self.assertNotIn("secret", out)

    def test_default_run_uses_embedded_broker_and_samples(self):
        workspace = os.path.join(os.environ["TEST_SRCDIR"], "netstreams")
        result = harness.run_engine([], cwd=workspace)
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        out = result.stdout.decode()
        self.assertIn("== summary ==", out)
        self.assertRegex(out, r"parse\s+parse\s+46\s+43\s+3")
        self.assertIn("dead-lettered: 3 (to cgnat.deadletter)", out)
        self.assertIn("== first records of cgnat.events ==", out)
        first = [l for l in out.splitlines() if l.startswith("{")][0]
        self.assertEqual(json.loads(first)["topic"], "cgnat.events")


if __name__ == "__main__":
    harness.init_binaries()
    unittest.main()
