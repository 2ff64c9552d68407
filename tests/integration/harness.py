"""Test harness: the dev broker as its own process, the engine binary, and
an independent Kafka client (confluent-kafka, i.e. librdkafka through
Python, plus the generated Python protobuf classes) to read what the engine
wrote."""

import os
import signal
import subprocess
import sys
import time

from confluent_kafka import Consumer, TopicPartition

ENGINE = None
DEV_BROKER = None


def init_binaries():
    """Takes the engine and dev broker paths from argv (set by BUILD)."""
    global ENGINE, DEV_BROKER
    ENGINE = os.path.abspath(sys.argv[1])
    DEV_BROKER = os.path.abspath(sys.argv[2])
    del sys.argv[1:3]


def runfile(path):
    """Path of a data file of this test."""
    return os.path.join(os.environ["TEST_SRCDIR"], "netstreams", path)


class DevBroker:
    """//tools:dev_broker on a free loopback port."""

    def __init__(self, *topologies):
        args = [DEV_BROKER, "--port=0"]
        args += ["--topology=" + t for t in topologies]
        self.log = open(os.path.join(os.environ.get("TEST_TMPDIR", "/tmp"),
                                     "dev_broker.log"), "ab")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE,
                                     stderr=self.log)
        line = self.proc.stdout.readline().decode().strip()
        if not line.startswith("bootstrap.servers="):
            self.stop()
            raise RuntimeError("dev broker did not start: %r" % line)
        self.bootstrap = line.split("=", 1)[1]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()


def engine_command(args):
    """The engine with `args`; its metrics endpoint on a free port unless
    the test chooses (tests run side by side)."""
    if not any(a.startswith("--metrics_address") for a in args):
        args = args + ["--metrics_address=127.0.0.1:0"]
    return [ENGINE] + args


def run_engine(args, timeout=120, cwd=None):
    return subprocess.run(engine_command(args), capture_output=True,
                          timeout=timeout, cwd=cwd)


def start_engine(args, cwd=None, stderr=subprocess.PIPE):
    return subprocess.Popen(engine_command(args), stdout=subprocess.PIPE,
                            stderr=stderr, cwd=cwd)


def read_topic(bootstrap, topic, timeout=30):
    """Every record of `topic` as (partition, offset, key, value, headers,
    timestamp) dicts, partitions in order, from an independent consumer."""
    consumer = Consumer({"bootstrap.servers": bootstrap,
                         "group.id": "harness-reader",
                         "enable.auto.commit": False})
    metadata = consumer.list_topics(topic, timeout=10)
    partitions = sorted(metadata.topics[topic].partitions)
    ends = {}
    assignment = []
    for p in partitions:
        low, high = consumer.get_watermark_offsets(TopicPartition(topic, p),
                                                   timeout=10)
        if high > low:
            ends[p] = high
        assignment.append(TopicPartition(topic, p, low))
    consumer.assign(assignment)
    records = []
    deadline = time.time() + timeout
    while ends and time.time() < deadline:
        m = consumer.poll(1.0)
        if m is None or m.error():
            continue
        records.append({
            "partition": m.partition(),
            "offset": m.offset(),
            "key": m.key(),
            "value": m.value(),
            "headers": dict((k, v) for k, v in (m.headers() or [])),
            "timestamp": m.timestamp()[1],
        })
        if m.offset() + 1 >= ends.get(m.partition(), 0):
            ends.pop(m.partition(), None)
    consumer.close()
    if ends:
        raise AssertionError("timed out reading %s: %s left" % (topic, ends))
    records.sort(key=lambda r: (r["partition"], r["offset"]))
    return records


def end_offsets(bootstrap, topic):
    consumer = Consumer({"bootstrap.servers": bootstrap,
                         "group.id": "harness-offsets"})
    metadata = consumer.list_topics(topic, timeout=10)
    out = {}
    for p in metadata.topics[topic].partitions:
        out[p] = consumer.get_watermark_offsets(TopicPartition(topic, p),
                                                timeout=10)[1]
    consumer.close()
    return out


def committed(bootstrap, group, topic, partitions):
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group})
    result = consumer.committed(
        [TopicPartition(topic, p) for p in range(partitions)], timeout=10)
    consumer.close()
    return {tp.partition: tp.offset for tp in result}


# Every NatEvent field the end-to-end tests compare.
NAT_EVENT_FIELDS = ["action", "mapping", "device", "vendor", "vrf",
                    "protocol", "inside_ip", "inside_port", "outside_ip",
                    "outside_port", "destination_ip", "destination_port",
                    "port_block_start", "port_block_end", "direction"]


def wait_for(predicate, what, timeout=90):
    """Polls `predicate` until true; fails the test after `timeout` s."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError("timed out waiting for " + what)
