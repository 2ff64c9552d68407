"""flow_decode end to end: the dev broker and the engine binary as separate
processes; binary IPFIX and NetFlow v9 NAT event logging packets (built
here with struct, templates in earlier packets than their data) produced
by an independent client (confluent-kafka) keyed by exporter; the
NatEvents read back by confluent-kafka and decoded with the generated
Python protobuf classes. The engine is stopped (SIGTERM) after the
template packets and some data, and restarted with its state directory,
or with it deleted: data-only packets must still decode, with the
templates (and sequence state) restored from the store or its changelog."""

import ipaddress
import os
import re
import shutil
import signal
import struct
import tempfile
import unittest
import urllib.request

from confluent_kafka import Producer

import harness
from cgnat.v1 import nat_event_pb2

E = nat_event_pb2
TOPOLOGY = "tests/integration/testdata/flow.yaml"
GROUP = "flow-e2e"
PACKETS = "nel.packets"
EVENTS = "nel.events"
DEAD = "nel.deadletter"

IPFIX_EXPORTER = "192.0.2.1"     # IPFIX, observation domain 1
V9_EXPORTER = "198.51.100.9"     # NetFlow v9, source id 7
ORPHAN_EXPORTER = "203.0.113.5"  # IPFIX data whose template never came

T0_MS = 1795392000000  # 2026-11-23T00:00:00Z
EXPORT_S = T0_MS // 1000 + 3600  # header export time: never the event time

# Information elements (IANA; NetFlow v9 uses the same numbers).
PROTOCOL, SRC_PORT, SRC_V4, DST_PORT, DST_V4 = 4, 7, 8, 11, 12
SRC_V6, DST_V6 = 27, 28
POST_SRC_V4, POST_DST_V4, POST_SRC_PORT, POST_DST_PORT = 225, 226, 227, 228
REALM, NAT_EVENT, INGRESS_VRF = 229, 230, 234
OBS_TIME_MS, PORT_RANGE_START, PORT_RANGE_END = 323, 361, 362

# Template id -> [(element, length)] (the record layout).
IPFIX_TEMPLATES = {
    256: [(OBS_TIME_MS, 8), (NAT_EVENT, 1), (PROTOCOL, 1), (SRC_V4, 4),
          (SRC_PORT, 2), (POST_SRC_V4, 4), (POST_SRC_PORT, 2), (DST_V4, 4),
          (DST_PORT, 2), (INGRESS_VRF, 4), (REALM, 1)],
    # NAT64: destination as the outside sees it (226/228) wins over the
    # inside's IPv6 destination (28/11).
    257: [(OBS_TIME_MS, 8), (NAT_EVENT, 1), (PROTOCOL, 1), (SRC_V6, 16),
          (SRC_PORT, 2), (POST_SRC_V4, 4), (POST_SRC_PORT, 2),
          (DST_V6, 16), (DST_PORT, 2), (POST_DST_V4, 4),
          (POST_DST_PORT, 2)],
    258: [(OBS_TIME_MS, 8), (NAT_EVENT, 1), (SRC_V4, 4), (POST_SRC_V4, 4),
          (PORT_RANGE_START, 2), (PORT_RANGE_END, 2), (INGRESS_VRF, 4)],
    259: [(OBS_TIME_MS, 8), (NAT_EVENT, 1), (SRC_V4, 4), (POST_SRC_V4, 4)],
}
V9_TEMPLATES = {
    300: [(OBS_TIME_MS, 8), (NAT_EVENT, 1), (PROTOCOL, 1), (SRC_V4, 4),
          (SRC_PORT, 2), (POST_SRC_V4, 4), (POST_SRC_PORT, 2), (DST_V4, 4),
          (DST_PORT, 2), (INGRESS_VRF, 4)],
    301: [(OBS_TIME_MS, 8), (NAT_EVENT, 1), (PROTOCOL, 1), (SRC_V6, 16),
          (SRC_PORT, 2), (POST_SRC_V4, 4), (POST_SRC_PORT, 2),
          (POST_DST_V4, 4), (POST_DST_PORT, 2)],
    302: [(OBS_TIME_MS, 8), (NAT_EVENT, 1), (SRC_V6, 16), (POST_SRC_V4, 4),
          (PORT_RANGE_START, 2), (PORT_RANGE_END, 2)],
}


def ip(text):
    return ipaddress.ip_address(text).packed


def encode(template, values):
    """One data record: `values` maps element -> int or address text."""
    out = b""
    for element, length in template:
        v = values.get(element, 0)
        if isinstance(v, str):
            raw = ip(v)
            assert len(raw) == length, (element, v)
            out += raw
        else:
            out += v.to_bytes(length, "big")
    return out


def template_set(set_id, templates):
    body = b""
    for tid, fields in templates.items():
        body += struct.pack("!HH", tid, len(fields))
        for element, length in fields:
            body += struct.pack("!HH", element, length)
    return struct.pack("!HH", set_id, 4 + len(body)) + body


def data_set(tid, records, pad=0):
    body = b"".join(records) + b"\0" * pad
    return struct.pack("!HH", tid, 4 + len(body)) + body


def ipfix(sequence, domain, *sets):
    body = b"".join(sets)
    return struct.pack("!HHIII", 10, 16 + len(body), EXPORT_S, sequence,
                       domain) + body


def v9(sequence, source_id, *sets):
    # The record count is ignored by the decoder (exporters disagree on
    # what it counts); write the flowset count as some do.
    body = b"".join(sets)
    return struct.pack("!HHIIII", 9, len(sets), 123456, EXPORT_S, sequence,
                       source_id) + body


class Nat:
    """One NAT record: what goes on the wire and the NatEvent expected."""

    def __init__(self, template_id, templates, exporter, vendor, values,
                 expect):
        self.record = encode(templates[template_id], values)
        self.template_id = template_id
        self.expect = dict(expect, device=exporter, vendor=vendor,
                           event_ms=values[OBS_TIME_MS])
        # What the template does not carry the event does not have.
        elements = [e for e, _ in templates[template_id]]
        if REALM not in elements:
            self.expect.pop("direction", None)
        if INGRESS_VRF not in elements:
            self.expect.pop("vrf", None)


def ipfix_nat(tid, values, expect):
    return Nat(tid, IPFIX_TEMPLATES, IPFIX_EXPORTER, "ipfix", values, expect)


def v9_nat(tid, values, expect):
    return Nat(tid, V9_TEMPLATES, V9_EXPORTER, "netflow_v9", values, expect)


def nat44_session(event, i, vrf=0, realm=1):
    inside, outside = "10.0.%d.%d" % (i // 250, i % 250 + 1), "100.64.0.%d" % i
    dst = "93.184.216.%d" % (i + 10)
    values = {OBS_TIME_MS: T0_MS + i * 1000 + 7, NAT_EVENT: event,
              PROTOCOL: 6, SRC_V4: inside, SRC_PORT: 40000 + i,
              POST_SRC_V4: outside, POST_SRC_PORT: 20000 + i, DST_V4: dst,
              DST_PORT: 443, INGRESS_VRF: vrf, REALM: realm}
    expect = dict(action=E.CREATE if event == 4 else E.DELETE,
                  mapping=E.SESSION, protocol=6, inside_ip=ip(inside),
                  inside_port=40000 + i, outside_ip=ip(outside),
                  outside_port=20000 + i, destination_ip=ip(dst),
                  destination_port=443, vrf=str(vrf),
                  direction={1: E.OUTBOUND, 2: E.INBOUND}[realm])
    return values, expect


def nat64_session(event, i, with_v6_destination=True):
    inside, outside = "2001:db8:64::%x" % (i + 1), "100.64.1.%d" % i
    values = {OBS_TIME_MS: T0_MS + i * 1000 + 64, NAT_EVENT: event,
              PROTOCOL: 17, SRC_V6: inside, SRC_PORT: 50000 + i,
              POST_SRC_V4: outside, POST_SRC_PORT: 30000 + i,
              POST_DST_V4: "198.51.100.53", POST_DST_PORT: 53}
    if with_v6_destination:
        values.update({DST_V6: "64:ff9b::c633:6435", DST_PORT: 53})
    expect = dict(action=E.CREATE if event == 6 else E.DELETE,
                  mapping=E.SESSION, protocol=17, inside_ip=ip(inside),
                  inside_port=50000 + i, outside_ip=ip(outside),
                  outside_port=30000 + i, destination_ip=ip("198.51.100.53"),
                  destination_port=53)
    return values, expect


def port_block(event, i, start, end, inside=None, vrf=None):
    inside = inside or "10.9.0.%d" % (i + 1)
    outside = "100.64.2.%d" % i
    values = {OBS_TIME_MS: T0_MS + i * 1000 + 16, NAT_EVENT: event,
              SRC_V4 if ":" not in inside else SRC_V6: inside,
              POST_SRC_V4: outside, PORT_RANGE_START: start,
              PORT_RANGE_END: end}
    expect = dict(action=E.CREATE if event == 16 else E.DELETE,
                  mapping=E.PORT_BLOCK, inside_ip=ip(inside),
                  outside_ip=ip(outside), port_block_start=start,
                  port_block_end=end)
    if vrf is not None:
        values[INGRESS_VRF] = vrf
        expect["vrf"] = str(vrf)
    return values, expect


def address_binding(event, i):
    inside, outside = "10.14.0.%d" % (i + 1), "100.64.3.%d" % i
    values = {OBS_TIME_MS: T0_MS + i * 1000 + 14, NAT_EVENT: event,
              SRC_V4: inside, POST_SRC_V4: outside}
    expect = dict(action=E.CREATE if event == 14 else E.DELETE,
                  mapping=E.ADDRESS, inside_ip=ip(inside),
                  outside_ip=ip(outside))
    return values, expect


def records_by_template(nats):
    sets = {}
    for n in nats:
        sets.setdefault(n.template_id, []).append(n.record)
    return sets


class Packet:
    def __init__(self, key, data, nats=(), dead=None):
        self.key = key
        self.data = data
        self.nats = list(nats)
        self.dead = dead  # the dead-letter reason detail prefix, if any
        self.position = None  # (partition, offset) once delivered


def ipfix_data_packet(sequence, nats, pad=0):
    sets = [data_set(tid, recs, pad)
            for tid, recs in records_by_template(nats).items()]
    return Packet(IPFIX_EXPORTER, ipfix(sequence, 1, *sets), nats)


def v9_data_packet(sequence, nats):
    sets = [data_set(tid, recs)
            for tid, recs in records_by_template(nats).items()]
    return Packet(V9_EXPORTER, v9(sequence, 7, *sets), nats)


# NetFlow v9 sequence numbers: packet 102 is never sent (a gap of 1).
SEQUENCE_GAPS = 1


def before_stop_packets():
    """Templates first (alone), then data in later packets, a truncated
    packet of each protocol, a data set whose template was never sent, and
    a NetFlow v9 sequence gap."""
    packets = []
    # IPFIX: the template set alone, sequence 0 (data records before it).
    packets.append(Packet(IPFIX_EXPORTER, ipfix(
        0, 1, template_set(2, IPFIX_TEMPLATES))))
    a = [ipfix_nat(256, *nat44_session(4, 1)),
         ipfix_nat(256, *nat44_session(4, 2, vrf=12, realm=2)),
         ipfix_nat(257, *nat64_session(6, 3))]
    packets.append(ipfix_data_packet(0, a, pad=3))  # 3 records: next is 3
    b = [ipfix_nat(258, *port_block(16, 4, 1024, 1535, vrf=5)),
         ipfix_nat(259, *address_binding(14, 5))]
    packets.append(ipfix_data_packet(3, b))  # next is 5
    # Truncated on its way: the IPFIX length says more than arrived.
    cut = ipfix_data_packet(5, [ipfix_nat(256, *nat44_session(5, 1))])
    packets.append(Packet(IPFIX_EXPORTER, cut.data[:-9],
                          dead="flow: IPFIX message length does not match"))

    # NetFlow v9, source id 7: templates at sequence 100.
    packets.append(Packet(V9_EXPORTER, v9(
        100, 7, template_set(0, V9_TEMPLATES))))
    c = [v9_nat(300, *nat44_session(4, 20)),
         v9_nat(300, *nat44_session(5, 21))]
    packets.append(v9_data_packet(101, c))
    # 102 is lost.
    d = [v9_nat(301, *nat64_session(6, 22, with_v6_destination=False)),
         v9_nat(301, *nat64_session(7, 23, with_v6_destination=False)),
         v9_nat(302, *port_block(17, 24, 4096, 4159,
                                 inside="2001:db8:b10c::24"))]
    packets.append(v9_data_packet(103, d))
    # Truncated in the middle of a data record: a set runs past the end.
    cut = v9_data_packet(104, [v9_nat(300, *nat44_session(4, 25))])
    packets.append(Packet(V9_EXPORTER, cut.data[:-5],
                          dead="flow: set runs past the packet"))

    # A data set of template 400, which this exporter never sent: counted,
    # not dead-lettered.
    packets.append(Packet(ORPHAN_EXPORTER, ipfix(
        0, 3, data_set(400, [b"\x01" * 12]))))
    return packets


def after_restart_packets():
    """Data only, continuing both exporters' sequences: they decode only
    with the templates restored."""
    e = [ipfix_nat(256, *nat44_session(5, 1)),
         ipfix_nat(256, *nat44_session(5, 2, vrf=12, realm=2)),
         ipfix_nat(257, *nat64_session(7, 3))]
    f = [ipfix_nat(258, *port_block(17, 4, 1024, 1535, vrf=5)),
         ipfix_nat(259, *address_binding(15, 5))]
    g = [v9_nat(300, *nat44_session(4, 26)),
         v9_nat(302, *port_block(16, 27, 8192, 8255,
                                 inside="2001:db8:b10c::27"))]
    # The truncated packets changed no sequence state: IPFIX continues at
    # 5, v9 at 104.
    return [ipfix_data_packet(5, e), ipfix_data_packet(8, f),
            v9_data_packet(104, g)]


class FlowEndToEndTest(unittest.TestCase):

    def setUp(self):
        self.broker = harness.DevBroker(harness.runfile(TOPOLOGY))
        self.tmp = tempfile.mkdtemp()
        self.state_dir = os.path.join(self.tmp, "state")
        self.produced = []

    def tearDown(self):
        self.broker.stop()
        self.broker.proc.stdout.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def engine_args(self):
        return ["--topology=" + harness.runfile(TOPOLOGY),
                "--bootstrap_servers=" + self.broker.bootstrap,
                "--state_dir=" + self.state_dir]

    def produce(self, packets):
        """Each packet as one record keyed by its exporter, from an
        independent idempotent producer (in order per exporter)."""
        producer = Producer({"bootstrap.servers": self.broker.bootstrap,
                             "enable.idempotence": True, "linger.ms": 0})
        errors = []
        for packet in packets:
            def delivered(err, msg, packet=packet):
                if err is not None:
                    errors.append(err)
                else:
                    packet.position = (msg.partition(), msg.offset())
            producer.produce(PACKETS, key=packet.key.encode(),
                             value=packet.data, on_delivery=delivered)
            producer.poll(0)
        self.assertEqual(producer.flush(30), 0)
        self.assertEqual(errors, [])
        self.assertTrue(all(p.position for p in packets))
        self.produced += packets

    def count(self, topic):
        return sum(harness.end_offsets(self.broker.bootstrap, topic).values())

    def expected_events(self):
        return sum(len(p.nats) for p in self.produced)

    def check_events(self):
        """Every NAT record of every produced packet came out as exactly one
        NatEvent, field by field, pointing at its packet."""
        expected = {}
        for packet in self.produced:
            for nat in packet.nats:
                key = (nat.expect["inside_ip"], nat.expect["action"])
                self.assertNotIn(key, expected)
                expected[key] = (nat.expect, packet)
        records = harness.read_topic(self.broker.bootstrap, EVENTS)
        self.assertEqual(len(records), len(expected))
        seen = set()
        for record in records:
            event = E.NatEvent()
            event.ParseFromString(record["value"])
            key = (event.inside_ip, event.action)
            self.assertIn(key, expected, event)
            self.assertNotIn(key, seen, "event emitted twice: %s" % event)
            seen.add(key)
            want, packet = expected[key]
            for field in harness.NAT_EVENT_FIELDS:
                default = type(getattr(event, field))()
                self.assertEqual(getattr(event, field),
                                 want.get(field, default),
                                 "%s of %s" % (field, event))
            event_ms = (event.event_time.seconds * 1000 +
                        event.event_time.nanos // 1000000)
            self.assertEqual(event_ms, want["event_ms"], event)
            self.assertEqual(record["timestamp"], event_ms)
            self.assertEqual(event.source.topic, PACKETS)
            self.assertEqual((event.source.partition, event.source.offset),
                             packet.position, event)
            self.assertEqual(record["key"].decode(),
                             str(ipaddress.ip_address(event.inside_ip)))
        self.assertEqual(seen, set(expected))

    def check_dead_letters(self):
        dead = harness.read_topic(self.broker.bootstrap, DEAD)
        broken = [p for p in self.produced if p.dead]
        self.assertEqual(len(dead), len(broken))
        by_position = {p.position: p for p in broken}
        for record in dead:
            headers = {k: v.decode() for k, v in record["headers"].items()}
            position = (int(headers["deadletter.partition"]),
                        int(headers["deadletter.offset"]))
            self.assertIn(position, by_position, headers)
            packet = by_position.pop(position)
            self.assertEqual(record["value"], packet.data)
            self.assertEqual(record["key"].decode(), packet.key)
            self.assertEqual(headers["deadletter.stage"], "decode")
            self.assertEqual(headers["deadletter.reason_class"],
                             "invalid_value")
            self.assertTrue(headers["deadletter.reason"].startswith(
                packet.dead), headers)
            self.assertEqual(headers["deadletter.topic"], PACKETS)
            self.assertTrue(headers["deadletter.timestamp"].isdigit())

    def stage_counters(self, summary, stage="decode"):
        for line in summary.splitlines():
            line = line.strip()
            if line.startswith(stage + ": "):
                return {k: int(v) for k, v in
                        (t.split("=", 1) for t in line.split()[1:]
                         if "=" in t)}
        self.fail("no %r line in summary:\n%s" % (stage, summary))

    def metric(self, base, event):
        """netstreams_stage_events_total of the decode stage for `event`
        from the running engine's /metrics (None when not exported)."""
        with urllib.request.urlopen(base + "/metrics", timeout=5) as r:
            text = r.read().decode()
        total = None
        for line in text.splitlines():
            if not line.startswith("netstreams_stage_events_total{"):
                continue
            labels = dict(re.findall(r'(\w+)="([^"]*)"', line))
            if labels.get("stage") == "decode" and labels.get("event") == event:
                total = (total or 0) + float(line.rsplit(" ", 1)[1])
        return total

    def run_until_stopped(self):
        """The first engine: templates, data, the broken and the orphan
        packets, the gap; checked while it runs, then SIGTERM."""
        log_path = os.path.join(self.tmp, "engine1.err")
        with open(log_path, "w") as log:
            engine = harness.start_engine(self.engine_args(), stderr=log)
            try:
                self.produce(before_stop_packets())
                harness.wait_for(lambda: self.count(EVENTS) >=
                                 self.expected_events() and
                                 self.count(DEAD) >= 2, "the first events")
                with open(log_path) as f:
                    m = re.search(r'msg="metrics endpoint" url=(http://\S+)'
                                  r'/metrics', f.read())
                self.assertTrue(m, "no metrics endpoint in the log")
                base = m.group(1)
                harness.wait_for(lambda: self.metric(base, "events") == 10,
                                 "the events counter")
                self.assertEqual(self.metric(base, "sequence_gaps"),
                                 SEQUENCE_GAPS)
                self.assertEqual(self.metric(base, "sets_without_template"),
                                 1)
                self.assertEqual(self.metric(base, "templates_added"), 7)
            finally:
                engine.send_signal(signal.SIGTERM)
                out, _ = engine.communicate(timeout=60)
        with open(log_path) as f:
            err = f.read()
        self.assertEqual(engine.returncode, 0, err)
        self.assertIn("stop requested", err)
        summary = out.decode()
        if os.environ.get("FLOW_E2E_VERBOSE"):
            print(summary)
        counters = self.stage_counters(summary)
        self.assertEqual(counters["events"], 10, summary)
        self.assertEqual(counters["sequence_gaps"], SEQUENCE_GAPS, summary)
        self.assertEqual(counters["sets_without_template"], 1, summary)
        self.assertEqual(counters.get("sequence_resets", 0), 0, summary)
        self.assertEqual(counters.get("sequence_late", 0), 0, summary)
        self.assertEqual(counters.get("records_invalid", 0), 0, summary)
        self.assertRegex(summary, r"decode\s+flow_decode\s+9\s+10\s+2\b")
        self.check_events()
        self.check_dead_letters()
        # Every packet's offset is committed.
        ends = harness.end_offsets(self.broker.bootstrap, PACKETS)
        committed = harness.committed(self.broker.bootstrap, GROUP, PACKETS,
                                      len(ends))
        for partition, end in ends.items():
            if end > 0:
                self.assertEqual(committed[partition], end)

    def restart_with_data_only(self):
        self.produce(after_restart_packets())
        result = harness.run_engine(self.engine_args() + ["--until_idle"],
                                    timeout=180)
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        summary = result.stdout.decode()
        if os.environ.get("FLOW_E2E_VERBOSE"):
            print(summary)
        counters = self.stage_counters(summary)
        # Every template came back (4 IPFIX + 3 NetFlow v9) and every data
        # record decoded; the sequences continued where they were.
        self.assertEqual(counters["templates_restored"], 7, summary)
        self.assertEqual(counters.get("templates_added", 0), 0, summary)
        self.assertEqual(counters["events"], 7, summary)
        self.assertEqual(counters.get("sets_without_template", 0), 0, summary)
        self.assertEqual(counters.get("sequence_gaps", 0), 0, summary)
        self.assertEqual(counters.get("sequence_resets", 0), 0, summary)
        self.assertEqual(counters.get("sequence_late", 0), 0, summary)
        self.assertRegex(summary, r"decode\s+flow_decode\s+3\s+7\s+0\b")
        self.check_events()
        self.check_dead_letters()
        return summary

    def test_templates_survive_restart_with_local_state(self):
        self.run_until_stopped()
        summary = self.restart_with_data_only()
        # From the local store: the graceful stop checkpointed it, so no
        # changelog record had to be read.
        self.assertNotRegex(summary, r"(?m)^restored [1-9]", summary)

    def test_templates_restored_from_changelog_when_state_dir_deleted(self):
        self.run_until_stopped()
        shutil.rmtree(self.state_dir)
        summary = self.restart_with_data_only()
        restored = re.search(r"(?m)^restored (\d+) changelog records",
                             summary)
        self.assertTrue(restored, summary)
        # 7 templates and the two exporters' sequence state, at least.
        self.assertGreaterEqual(int(restored.group(1)), 9, summary)


if __name__ == "__main__":
    harness.init_binaries()
    unittest.main()
