#!/usr/bin/env python3
"""Writes the seed packets of the NetFlow v9 / IPFIX decoder fuzzer.

Each seed is one self-contained UDP payload (templates and the data that
uses them in the same packet), so a fuzzer starting from an empty template
cache reaches the record decoding paths. Run from the repository root:

    python3 tests/fuzz/gen_flow_corpus.py

and commit tests/fuzz/corpus/flow/. tests/parsers/flow_decoder_test.cc
checks that every seed decodes into events.
"""
import ipaddress
import os
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "flow")
EXPORT = 1700000000  # 2023-11-14T22:13:20Z


def ip(text):
    return ipaddress.ip_address(text).packed


def ipfix_template(tid, fields):
    out = struct.pack("!HH", tid, len(fields))
    for f in fields:
        ie, length = f[0], f[1]
        if len(f) > 2:
            out += struct.pack("!HHI", ie | 0x8000, length, f[2])
        else:
            out += struct.pack("!HH", ie, length)
    return out


def ipfix_options_template(tid, scope, fields):
    out = struct.pack("!HHH", tid, len(scope) + len(fields), len(scope))
    for ie, length in scope + fields:
        out += struct.pack("!HH", ie, length)
    return out


def v9_template(tid, fields):
    out = struct.pack("!HH", tid, len(fields))
    for ie, length in fields:
        out += struct.pack("!HH", ie, length)
    return out


def v9_options_template(tid, scope, fields):
    out = struct.pack("!HHH", tid, 4 * len(scope), 4 * len(fields))
    for ie, length in scope + fields:
        out += struct.pack("!HH", ie, length)
    return out


def flow_set(set_id, body):
    pad = (-len(body)) % 4
    return struct.pack("!HH", set_id, 4 + len(body) + pad) + body + b"\0" * pad


def ipfix(seq, domain, sets):
    body = b"".join(sets)
    return struct.pack("!HHIII", 10, 16 + len(body), EXPORT, seq, domain) + body


def v9(seq, source_id, count, sets):
    body = b"".join(sets)
    return struct.pack("!HHIIII", 9, count, 123456, EXPORT, seq, source_id) + body


NAT44 = [(323, 8), (230, 1), (234, 4), (4, 1), (8, 4), (7, 2), (225, 4),
         (227, 2), (12, 4), (11, 2), (226, 4), (228, 2), (229, 1)]


def nat44(ms, event, src, sport, post, pport, dst, dport):
    return (struct.pack("!QBIB", ms, event, 7, 6) + ip(src) +
            struct.pack("!H", sport) + ip(post) + struct.pack("!H", pport) +
            ip(dst) + struct.pack("!H", dport) + ip(dst) +
            struct.pack("!HB", dport, 1))


def seeds():
    ms = EXPORT * 1000 + 250
    yield "ipfix_nat44_session.bin", ipfix(1000, 1, [
        flow_set(2, ipfix_template(256, NAT44)),
        flow_set(256,
                 nat44(ms, 4, "10.0.0.1", 40000, "198.51.100.7", 1024,
                       "203.0.113.9", 443) +
                 nat44(ms + 5, 5, "10.0.0.2", 40001, "198.51.100.7", 1025,
                       "203.0.113.10", 80)),
    ])

    # NAT64 session, port block, a variable-length pool name (one short,
    # one with the 255 escape) and an enterprise field.
    nat64 = [(230, 1), (4, 1), (27, 16), (7, 2), (225, 4), (227, 2), (28, 16),
             (11, 2), (226, 4), (228, 2), (284, 65535), (100, 4, 9)]
    pool_long = b"p" * 300
    block = [(322, 4), (230, 1), (8, 4), (225, 4), (361, 2), (362, 2)]
    yield "ipfix_nat64_block_varlen.bin", ipfix(50, 7, [
        flow_set(2, ipfix_template(300, nat64) + ipfix_template(301, block)),
        flow_set(300,
                 struct.pack("!BB", 6, 17) + ip("2001:db8::10") +
                 struct.pack("!H", 5353) + ip("198.51.100.8") +
                 struct.pack("!H", 2000) + ip("64:ff9b::cb00:7109") +
                 struct.pack("!H", 53) + ip("203.0.113.9") +
                 struct.pack("!H", 53) + b"\x05pool1" + b"\0\0\0\x2a" +
                 struct.pack("!BB", 7, 6) + ip("2001:db8::11") +
                 struct.pack("!H", 5354) + ip("198.51.100.8") +
                 struct.pack("!H", 2001) + ip("64:ff9b::cb00:710a") +
                 struct.pack("!H", 443) + ip("203.0.113.10") +
                 struct.pack("!H", 443) + b"\xff" +
                 struct.pack("!H", len(pool_long)) + pool_long +
                 b"\0\0\0\x2b"),
        flow_set(301,
                 struct.pack("!IB", EXPORT - 1, 16) + ip("100.64.1.5") +
                 ip("198.51.100.9") + struct.pack("!HH", 4096, 4351)),
    ])

    v9_nat = [(8, 4), (7, 2), (225, 4), (227, 2), (12, 4), (11, 2), (4, 1),
              (230, 1), (234, 4)]
    yield "v9_nat44_with_options.bin", v9(77, 3, 4, [
        flow_set(0, v9_template(260, v9_nat)),
        flow_set(1, v9_options_template(261, [(1, 4)], [(41, 2), (42, 4)])),
        flow_set(260,
                 ip("10.1.0.5") + struct.pack("!H", 51000) +
                 ip("198.51.100.20") + struct.pack("!H", 3000) +
                 ip("192.0.2.1") + struct.pack("!HBBI", 22, 6, 4, 0) +
                 ip("10.1.0.6") + struct.pack("!H", 51001) +
                 ip("198.51.100.20") + struct.pack("!H", 3001) +
                 ip("192.0.2.2") + struct.pack("!HBBI", 53, 17, 5, 0)),
        flow_set(261, struct.pack("!IHI", 1, 1, 1000)),
    ])

    bib = [(230, 1), (8, 4), (7, 2), (225, 4), (227, 2), (4, 1)]
    binding = [(230, 1), (8, 4), (225, 4), (234, 4)]
    yield "v9_bib_and_address_binding.bin", v9(9, 0, 4, [
        flow_set(0, v9_template(270, bib) + v9_template(271, binding)),
        flow_set(270,
                 struct.pack("!B", 8) + ip("10.2.0.1") +
                 struct.pack("!H", 6000) + ip("198.51.100.30") +
                 struct.pack("!HB", 7000, 17) +
                 struct.pack("!B", 9) + ip("10.2.0.1") +
                 struct.pack("!H", 6000) + ip("198.51.100.30") +
                 struct.pack("!HB", 7000, 17)),
        flow_set(271,
                 struct.pack("!B", 14) + ip("10.2.0.2") +
                 ip("198.51.100.31") + struct.pack("!I", 12)),
    ])

    # An options template and its data, a withdrawal of another template,
    # then a template and two port block records (start + count + step).
    block2 = [(323, 8), (230, 1), (8, 4), (225, 4), (361, 2), (363, 2),
              (364, 2)]
    yield "ipfix_options_withdrawal_block.bin", ipfix(0, 2, [
        flow_set(3, ipfix_options_template(400, [(149, 4)], [(41, 8)])),
        flow_set(400, struct.pack("!IQ", 2, 12345)),
        flow_set(2, struct.pack("!HH", 999, 0)),
        flow_set(2, ipfix_template(401, block2)),
        flow_set(401,
                 struct.pack("!QB", ms, 16) + ip("100.64.2.1") +
                 ip("198.51.100.40") + struct.pack("!HHH", 1024, 2, 256) +
                 struct.pack("!QB", ms + 1, 17) + ip("100.64.2.1") +
                 ip("198.51.100.40") + struct.pack("!HHH", 1024, 2, 256)),
    ])


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, data in seeds():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
        print(name, len(data))


if __name__ == "__main__":
    main()
