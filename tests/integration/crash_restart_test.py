"""Crash and restart of the pairing pipeline, with the dev broker as its own
process: creates go in, the engine is killed with SIGKILL, it is restarted
(with its state directory, or with it deleted, forcing a full changelog
restore), deletes go in, and every session must come out CLOSED exactly
once with its true start time and evidence pointing at the raw lines."""

import os
import shutil
import signal
import subprocess
import tempfile
import unittest
from datetime import datetime, timedelta, timezone

import harness
from cgnat.v1 import nat_session_pb2

TOPOLOGY = "tests/integration/testdata/pairing.yaml"
GROUP = "pairing-e2e"
REPARTITION = "pairing-e2e-by_subscriber-repartition"
SESSIONS = 3000
T0 = datetime(2026, 11, 20, 10, 0, 0, tzinfo=timezone.utc)


def line(action, i):
    ts = T0 + timedelta(seconds=i, milliseconds=500 if action == "D" else 0)
    return ("<134>1 %s cgn-%d vcgnat - - - %s VRF 0 6 INT 10.9.%d.%d:%d EXT "
            "100.64.0.%d:%d DST 8.8.8.8:443 DIR OUT" % (
                ts.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z", i % 4, action,
                i // 250, i % 250, 1024 + i, i % 200, 20000 + i))


class CrashRestartTest(unittest.TestCase):

    def setUp(self):
        self.broker = harness.DevBroker(harness.runfile(TOPOLOGY))
        self.tmp = tempfile.mkdtemp()
        self.state_dir = os.path.join(self.tmp, "state")
        self.files = {}
        for action in "AD":
            path = os.path.join(self.tmp, action + ".log")
            with open(path, "w") as f:
                for i in range(SESSIONS):
                    f.write(line(action, i) + "\n")
            self.files[action] = path

    def tearDown(self):
        self.broker.stop()

    def engine_args(self):
        return ["--topology=" + harness.runfile(TOPOLOGY),
                "--bootstrap_servers=" + self.broker.bootstrap,
                "--state_dir=" + self.state_dir]

    def all_committed(self):
        for topic in ("cgnat.syslog", REPARTITION):
            ends = harness.end_offsets(self.broker.bootstrap, topic)
            committed = harness.committed(self.broker.bootstrap, GROUP, topic,
                                          len(ends))
            if any(committed[p] < end for p, end in ends.items()):
                return False
        return True

    def start_and_kill(self, when):
        engine = harness.start_engine(
            self.engine_args() + ["--replay=cgnat.syslog=" + self.files["A"]])
        harness.wait_for(when, "the moment to kill", timeout=120)
        engine.send_signal(signal.SIGKILL)
        engine.wait(timeout=30)
        self.assertEqual(engine.returncode, -signal.SIGKILL)

    def restart_with_deletes(self):
        subprocess.run(["kcat", "-P", "-b", self.broker.bootstrap, "-t",
                        "cgnat.syslog", "-l", self.files["D"]], check=True,
                       timeout=60)
        result = harness.run_engine(self.engine_args() + ["--until_idle"],
                                    timeout=240)
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        return result.stdout.decode()

    def check_sessions(self):
        raw = {(r["partition"], r["offset"]): r["value"].decode()
               for r in harness.read_topic(self.broker.bootstrap,
                                           "cgnat.syslog")}
        records = harness.read_topic(self.broker.bootstrap, "cgnat.sessions")
        by_port = {}
        for record in records:
            s = nat_session_pb2.NatSession()
            s.ParseFromString(record["value"])
            self.assertNotIn(s.inside_port, by_port, "session emitted twice")
            by_port[s.inside_port] = s
        self.assertEqual(len(by_port), SESSIONS)
        for i in range(SESSIONS):
            s = by_port[1024 + i]
            self.assertEqual(s.status, nat_session_pb2.CLOSED, i)
            start = T0 + timedelta(seconds=i)
            self.assertEqual(s.start_time.seconds, int(start.timestamp()), i)
            self.assertEqual(s.duration.nanos, 500000000, i)
            create = raw[(s.create_record.partition, s.create_record.offset)]
            delete = raw[(s.delete_record.partition, s.delete_record.offset)]
            self.assertEqual(create, line("A", i))
            self.assertEqual(delete, line("D", i))

    def stage_counters(self, summary, stage):
        """The named counters of one stage's summary line, e.g.
        "sessions: closed=3 duplicate=0" -> {"closed": 3, "duplicate": 0}."""
        for l in summary.splitlines():
            l = l.strip()
            if l.startswith(stage + ": "):
                return {k: int(v) for k, v in
                        (t.split("=", 1) for t in l.split()[1:] if "=" in t)}
        self.fail("no %r line in summary:\n%s" % (stage, summary))

    def test_kill_after_commit_restart_with_local_state(self):
        self.start_and_kill(self.all_committed)
        summary = self.restart_with_deletes()
        counters = self.stage_counters(summary, "sessions")
        self.assertEqual(counters["closed"], SESSIONS, summary)
        self.assertEqual(counters["duplicate"], 0, summary)
        self.check_sessions()

    def test_kill_after_commit_restart_with_state_dir_deleted(self):
        self.start_and_kill(self.all_committed)
        shutil.rmtree(self.state_dir)
        summary = self.restart_with_deletes()
        # Every open session came back from the changelog.
        restored = [l for l in summary.splitlines()
                    if l.startswith("restored ")]
        self.assertTrue(restored, summary)
        self.assertGreaterEqual(int(restored[0].split()[1]), SESSIONS)
        self.assertEqual(self.stage_counters(summary, "sessions")["closed"],
                         SESSIONS, summary)
        self.check_sessions()

    def test_kill_mid_stream_then_restart(self):
        def some_sessions_in_state():
            ends = harness.end_offsets(self.broker.bootstrap,
                                       "pairing-e2e-sessions-changelog")
            return sum(ends.values()) > 0
        self.start_and_kill(some_sessions_in_state)
        summary = self.restart_with_deletes()
        counters = self.stage_counters(summary, "sessions")
        self.assertEqual(counters["unmatched_delete"], 0, summary)
        self.assertEqual(counters["expired"], 0, summary)
        self.check_sessions()


if __name__ == "__main__":
    harness.init_binaries()
    unittest.main()
