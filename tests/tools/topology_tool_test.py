"""//tools:topology as operators run it: validate (exit codes, file:line),
describe (sub-topologies, tasks, stores, internal topics, edge types) and
render (DOT checked by Graphviz itself, Mermaid, PNG)."""

import os
import subprocess
import sys
import tempfile
import unittest

TOOL = None


def runfile(path):
    return os.path.join(os.environ["TEST_SRCDIR"], "netstreams", path)


def run(*args):
    return subprocess.run([TOOL] + list(args), capture_output=True,
                          text=True, timeout=60)


BAD = """application_id: bad
topics:
  - {name: in, partitions: 2, type: bytes}
  - {name: out, partitions: 2, type: cgnat.v1.NatSession}
  - {name: dlq, partitions: 1, type: bytes}
dead_letter_topic: dlq
stages:
  - {name: src, source: {topic: in}}
  - {name: parse, inputs: [src], parse: {format: nfware}}
  - name: pairing
    inputs: [parse]
    session_pairing: {grace: 60s}
  - {name: sink, inputs: [pairing], sink: {topic: out}}
"""


class TopologyToolTest(unittest.TestCase):

    def setUp(self):
        self.cgnat = runfile("topology/cgnat.yaml")
        self.tmp = tempfile.mkdtemp()

    def test_validate_accepts_the_shipped_topologies(self):
        for name in ("cgnat.yaml", "passthrough.yaml"):
            result = run("validate", runfile("topology/" + name))
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertIn("valid", result.stdout)

    def test_validate_reports_file_line_and_exits_2(self):
        path = os.path.join(self.tmp, "bad.yaml")
        with open(path, "w") as f:
            f.write(BAD)
        result = run("validate", path)
        self.assertEqual(result.returncode, 2)
        # The pairing's input is not partitioned by its key: line 11 is
        # "inputs: [parse]" of stage 'pairing'.
        self.assertIn(path + ":11:", result.stderr)
        self.assertIn("put a repartition stage in between", result.stderr)

    def test_bad_command_lines_exit_2(self):
        self.assertEqual(run("explain", self.cgnat).returncode, 2)
        self.assertEqual(run("validate").returncode, 2)
        self.assertEqual(run("render", self.cgnat, "--format=svg").returncode,
                         2)
        self.assertEqual(run("render", self.cgnat, "--format=png").returncode,
                         2)
        self.assertEqual(run("validate", "/nonexistent.yaml").returncode, 2)

    def test_describe_names_subtopologies_stores_and_internal_topics(self):
        result = run("describe", self.cgnat)
        self.assertEqual(result.returncode, 0, result.stderr)
        out = result.stdout
        self.assertIn("sub-topology 0: 4 tasks (one per partition of "
                      "cgnat.syslog)", out)
        self.assertIn("sub-topology 1: 4 tasks (one per partition of "
                      "cgnat-sessions-by_subscriber-repartition)", out)
        self.assertIn("sessions: stage sessions, sub-topology 1, 4 instances "
                      "(one per task), changelog "
                      "cgnat-sessions-sessions-changelog", out)
        self.assertIn("parse -> by_subscriber : cgnat.v1.NatEvent", out)
        self.assertIn("sessions -> sessions_out : cgnat.v1.NatSession", out)
        self.assertIn("port_blocks -> port_blocks_out : "
                      "cgnat.v1.PortBlockLease", out)
        lines = [l.split() for l in out.splitlines()]
        internal = {l[0]: " ".join(l[1:]) for l in lines
                    if l and l[0].startswith("cgnat-sessions-")}
        self.assertEqual(set(internal), {
            "cgnat-sessions-by_subscriber-repartition",
            "cgnat-sessions-sessions-changelog",
            "cgnat-sessions-port_blocks-changelog"})
        self.assertIn("internal, repartition",
                      internal["cgnat-sessions-by_subscriber-repartition"])
        self.assertIn("compacted",
                      internal["cgnat-sessions-sessions-changelog"])

    def test_dot_is_accepted_by_graphviz(self):
        result = run("render", self.cgnat)
        self.assertEqual(result.returncode, 0, result.stderr)
        dot = subprocess.run(["dot", "-Tplain"], input=result.stdout,
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(dot.returncode, 0, dot.stderr)
        # -Tplain lists every node: stages, topics and stores.
        nodes = {l.split()[1] for l in dot.stdout.splitlines()
                 if l.startswith("node ")}
        for node in ("s_parse", "s_by_subscriber_in", "s_sessions",
                     "t_cgnat_syslog", "t_cgnat_sessions",
                     "t_cgnat_sessions_by_subscriber_repartition",
                     "st_sessions", "t_cgnat_sessions_sessions_changelog"):
            self.assertIn(node, nodes)
        edges = {tuple(l.split()[1:3]) for l in dot.stdout.splitlines()
                 if l.startswith("edge ")}
        self.assertIn(("s_parse", "s_by_subscriber"), edges)
        self.assertIn(("t_cgnat_sessions_by_subscriber_repartition",
                       "s_by_subscriber_in"), edges)

    def test_mermaid(self):
        result = run("render", self.cgnat, "--format=mermaid")
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = result.stdout.splitlines()
        self.assertEqual(lines[0], "flowchart LR")
        self.assertIn('  s_sessions -->|"NatSession"| s_sessions_out', lines)
        self.assertEqual(result.stdout.count("subgraph"), 2)
        self.assertEqual(result.stdout.count("subgraph"),
                         result.stdout.count("\n  end\n"))

    def test_png(self):
        out = os.path.join(self.tmp, "g.png")
        result = run("render", self.cgnat, "--format=png", "--output=" + out)
        self.assertEqual(result.returncode, 0, result.stderr)
        with open(out, "rb") as f:
            self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")


if __name__ == "__main__":
    TOOL = os.path.abspath(sys.argv.pop(1))
    unittest.main()
