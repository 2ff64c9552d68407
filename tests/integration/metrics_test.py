"""The operator endpoint of a running engine (embedded broker, bundled
sample): /healthz, /readyz, /metrics parsed by an independent parser
(prometheus_client) with values checked against what the sample must
produce, and every query of the Grafana dashboard checked against the
metric and label names the engine really exports."""

import json
import os
import re
import signal
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

import harness

DASHBOARD = "tools/grafana/netstreams.json"


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


class MetricsTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp()
        cls.log_path = os.path.join(cls.tmp, "engine.err")
        cls.log = open(cls.log_path, "w")
        cls.engine = harness.start_engine(
            ["--topology=" + harness.runfile("topology/cgnat.yaml"),
             "--until_idle=false"], stderr=cls.log)
        cls.base = None
        deadline = time.time() + 60
        while time.time() < deadline and cls.base is None:
            with open(cls.log_path) as f:
                m = re.search(r'msg="metrics endpoint" url=(http://\S+)/metrics',
                              f.read())
            if m:
                cls.base = m.group(1)
            time.sleep(0.1)
        assert cls.base, "no metrics endpoint in the log"

    @classmethod
    def tearDownClass(cls):
        if cls.engine.poll() is None:
            cls.engine.kill()
            cls.engine.wait()
        cls.log.close()

    def scrape(self):
        status, text = get(self.base + "/metrics")
        self.assertEqual(status, 200)
        samples = {}
        families = {}
        for family in text_string_to_metric_families(text):
            families[family.name] = family
            for s in family.samples:
                samples.setdefault(s.name, []).append((s.labels, s.value))
        return text, families, samples

    def value(self, samples, name, **labels):
        matches = [v for l, v in samples.get(name, [])
                   if all(l.get(k) == v2 for k, v2 in labels.items())]
        return sum(matches) if matches else None

    def wait_for_sample(self):
        """Until the whole sample went through every stage."""
        deadline = time.time() + 90
        while time.time() < deadline:
            _, _, samples = self.scrape()
            if (self.value(samples, "netstreams_records_in_total",
                           stage="sessions_out") == 17 and
                    self.value(samples, "netstreams_records_in_total",
                               stage="events") == 43):
                return
            time.sleep(0.5)
        self.fail("the sample was not processed in time")

    def test_1_health_and_readiness(self):
        self.assertEqual(get(self.base + "/healthz"), (200, "ok\n"))
        deadline = time.time() + 60
        status, body = get(self.base + "/readyz")
        while status != 200 and time.time() < deadline:
            self.assertEqual(status, 503)
            self.assertTrue(body.startswith("not ready: "), body)
            time.sleep(0.2)
            status, body = get(self.base + "/readyz")
        self.assertEqual(status, 200, body)
        self.assertEqual(body, "ready: 8 tasks processing\n")
        self.assertEqual(get(self.base + "/nothing")[0], 404)

    def test_2_values_after_the_sample(self):
        self.wait_for_sample()
        # Lag and gauges are published at commits (every second here).
        time.sleep(2.5)
        text, families, samples = self.scrape()
        v = lambda *a, **k: self.value(samples, *a, **k)
        self.assertEqual(v("netstreams_records_in_total", stage="parse"), 46)
        self.assertEqual(v("netstreams_records_out_total", stage="parse"), 43)
        self.assertEqual(v("netstreams_records_out_total", stage="events"),
                         43)
        self.assertEqual(v("netstreams_dead_letters_total", stage="parse",
                           reason_class="invalid_value"), 1)
        self.assertEqual(v("netstreams_dead_letters_total", stage="parse",
                           reason_class="unrecognized"), 2)
        # What each detected vendor contributed to the mixed sample.
        for vendor, lines in {"nfware": 29, "a10": 3, "juniper": 2,
                              "cisco_asa": 2, "f5": 2, "sixwind": 2,
                              "mikrotik": 1, "nfacctd": 2}.items():
            self.assertEqual(v("netstreams_stage_events_total", stage="parse",
                               event=vendor), lines, vendor)
        self.assertEqual(v("netstreams_stage_events_total", stage="sessions",
                           event="closed"), 17)
        self.assertEqual(v("netstreams_stage_events_total",
                           stage="port_blocks", event="closed"), 1)
        # Sessions: 5 NFWare creates without a delete and MikroTik's
        # connection-state:new line stay open; every other vendor's pair
        # closed. No delete left waiting. Port blocks: A10's batch.
        self.assertEqual(v("netstreams_pairing_open_mappings",
                           stage="sessions"), 6)
        self.assertEqual(v("netstreams_pairing_held_deletes",
                           stage="sessions"), 0)
        self.assertEqual(v("netstreams_pairing_open_mappings",
                           stage="port_blocks"), 1)
        self.assertEqual(v("netstreams_tasks_assigned"), 8)
        self.assertEqual(v("netstreams_partitions_assigned"), 8)
        self.assertEqual(v("netstreams_tasks_restoring"), 0)
        self.assertEqual(v("netstreams_ready"), 1)
        self.assertGreaterEqual(v("netstreams_commits_total"), 1)
        self.assertEqual(v("netstreams_rebalances_total"), 1)
        lags = samples["netstreams_consumer_lag_records"]
        self.assertEqual(len(lags), 8)  # 4 syslog + 4 repartition partitions
        self.assertEqual({l["topic"] for l, _ in lags},
                         {"cgnat.syslog",
                          "cgnat-sessions-by_subscriber-repartition"})
        self.assertTrue(all(value == 0 for _, value in lags), lags)
        self.assertGreater(v("netstreams_state_memory_bytes",
                             component="total"), 0)
        self.assertEqual(v("netstreams_state_memory_budget_bytes"),
                         256 * 1024 * 1024)
        self.assertGreater(v("netstreams_changelog_records_total",
                             store="sessions"), 0)
        for l, _ in samples["netstreams_records_in_total"]:
            self.assertEqual(l["application"], "cgnat-sessions")

        # Conventions: every name is netstreams_*, counters end in _total,
        # histograms are well formed.
        for family in families.values():
            self.assertTrue(family.name.startswith("netstreams_"),
                            family.name)
            if family.type == "counter":
                for s in family.samples:
                    self.assertTrue(s.name.endswith("_total"), s.name)
            if family.type == "histogram":
                self.assertTrue(family.name.endswith("_seconds"), family.name)
                series = {}
                for s in family.samples:
                    key = tuple(sorted((k, v) for k, v in s.labels.items()
                                       if k != "le"))
                    series.setdefault(key, {})[
                        (s.name, s.labels.get("le"))] = s.value
                for key, points in series.items():
                    buckets = sorted(
                        (float(le), value) for (name, le), value in
                        points.items() if name.endswith("_bucket"))
                    counts = [b[1] for b in buckets]
                    self.assertEqual(counts, sorted(counts), key)
                    self.assertEqual(buckets[-1][0], float("inf"))
                    self.assertEqual(buckets[-1][1],
                                     points[(family.name + "_count", None)])

    def test_3_dashboard_queries_use_exported_names(self):
        self.wait_for_sample()
        _, families, samples = self.scrape()
        labels_of = {}
        for name, series in samples.items():
            for l, _ in series:
                labels_of.setdefault(name, set()).update(l.keys())
        with open(harness.runfile(DASHBOARD)) as f:
            dashboard = json.load(f)
        exprs = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
        exprs.append(dashboard["templating"]["list"][1]["definition"])
        self.assertGreater(len(exprs), 10)
        for expr in exprs:
            names = set(re.findall(r"\bnetstreams_[a-z_]+", expr))
            self.assertTrue(names, expr)
            for name in names:
                self.assertIn(name, samples, "%s in %s" % (name, expr))
                allowed = labels_of[name] | {"instance", "job"}
                for grouping in re.findall(r"by \(([^)]*)\)", expr):
                    for label in grouping.split(","):
                        label = label.strip()
                        self.assertIn(label, allowed | {"le"},
                                      "%s: %s" % (expr, label))
                for matchers in re.findall(name + r"\{([^}]*)\}", expr):
                    for label in re.findall(r"(\w+)\s*=~?", matchers):
                        self.assertIn(label, allowed, "%s: %s" % (expr, label))
        # Every panel shows data from this engine for something it has.
        titles = {p["title"] for p in dashboard["panels"]}
        for wanted in ("Consumer lag per topic", "Dead letters",
                       "Pairing outcomes",
                       "End-to-end latency (event time to output)"):
            self.assertIn(wanted, titles)

    def test_4_sigterm_stops_cleanly(self):
        self.wait_for_sample()
        self.engine.send_signal(signal.SIGTERM)
        self.assertEqual(self.engine.wait(timeout=60), 0)


if __name__ == "__main__":
    harness.init_binaries()
    unittest.main()
