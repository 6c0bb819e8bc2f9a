#!/usr/bin/env python3
"""Unit test of the guest-line parser (tcglib): exact percentiles from
cyclictest's histogram lines, ping's round-trip histogram, heartbeats, and a
reset starting a new boot. No QEMU needed."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tcglib  # noqa: E402


class Percentile(unittest.TestCase):
    def test_known_histogram(self):
        # 100 samples: 50 at 1 us, 40 at 2, 9 at 3, 1 at 100.
        h = {1: 50, 2: 40, 3: 9, 100: 1}
        self.assertEqual(tcglib.percentile(h, 50), 1)
        self.assertEqual(tcglib.percentile(h, 50.5), 2)
        self.assertEqual(tcglib.percentile(h, 90), 2)
        self.assertEqual(tcglib.percentile(h, 99), 3)
        self.assertEqual(tcglib.percentile(h, 99.9), 100)
        self.assertEqual(tcglib.percentile(h, 100), 100)

    def test_small_and_empty(self):
        self.assertIsNone(tcglib.percentile({}, 50))
        self.assertEqual(tcglib.percentile({7: 1}, 0.1), 7)
        # 1000 samples, the slowest one alone: p99.9 is the 999th value.
        self.assertEqual(tcglib.percentile({10: 999, 5000: 1}, 99.9), 10)
        self.assertEqual(tcglib.percentile({10: 998, 5000: 2}, 99.9), 5000)


# A console transcript as the guest prints it at -smp 2, with kernel lines between.
TRANSCRIPT = """\
[    0.000000] Booting Linux on physical CPU 0x0000000000 [0x411fd070]
WFISG READY uptime=2.21 cpus=2 kernel=6.1.0-50-cloud-arm64
WFISG NET eth0
WFISG WORK cyclictest:threads=2,interval_us=1000,duration_s=2+ping:rate=100,count=10
WFISG MARK start uptime=2.40
[    3.100000] random: crng init done
WFISG MARK end uptime=4.90
WFISG CTHIST 150 600 0
WFISG CTHIST 151 300 500
WFISG CTHIST 200 99 400
WFISG CTHIST 900 0 95
WFISG CTHIST 19999 1 0
WFISG CTSTAT total 1000 1000
WFISG CTSTAT min 150 151
WFISG CTSTAT avg 160 230
WFISG CTSTAT max 19999 31000
WFISG CTSTAT overflows 0 5
WFISG CT threads=2 interval_us=1000 duration_s=2 policy=other
WFISG PINGHIST 700 8
WFISG PINGHIST 2500 1
WFISG PINGHIST 1200 1
WFISG PING sent=10 received=10 min_ms=0.700 avg_ms=0.990 max_ms=2.500
WFISG END status=ok uptime=5.00
"""


class Lines(unittest.TestCase):
    def test_cyclictest_percentiles(self):
        r = tcglib.parse_lines(TRANSCRIPT.splitlines())
        self.assertEqual(r.ready, [(2.21, 2)])
        self.assertEqual(r.marks, {"start": 2.40, "end": 4.90})
        self.assertEqual(r.end, "ok")
        self.assertEqual(r.net, "eth0")
        self.assertEqual(len(r.ct_hist), 2)
        ct = r.cyclictest()
        # Both threads: 600 at 150, 800 at 151, 499 at 200, 95 at 900,
        # 1 at 19999 and 5 overflows (counted at the max, 31000): 2000 samples.
        self.assertEqual(ct["samples"], 2000)
        self.assertEqual(ct["overflows"], 5)
        self.assertEqual(ct["max"], 31000)
        self.assertEqual(ct["p50"], 151)    # rank 1000: 600 + 800 reach it at 151
        self.assertEqual(ct["p90"], 200)    # rank 1800: 1899 at 200
        self.assertEqual(ct["p99"], 900)    # rank 1980: 1994 at 900
        self.assertEqual(ct["p99.9"], 31000)  # rank 1998: among the overflows
        self.assertFalse(ct["exact"])

    def test_exact_without_overflow(self):
        lines = [x for x in TRANSCRIPT.splitlines() if "overflows" not in x]
        ct = tcglib.parse_lines(lines).cyclictest()
        self.assertEqual(ct["samples"], 1995)
        self.assertEqual(ct["p99.9"], 900)  # rank 1994 of 1995
        self.assertTrue(ct["exact"])

    def test_ping(self):
        r = tcglib.parse_lines(TRANSCRIPT.splitlines())
        self.assertEqual(r.ping["received"], "10")
        self.assertEqual(r.ping_percentiles(), {"p50": 700, "p90": 1200, "p99": 2500, "p99.9": 2500})

    def test_reset_starts_a_new_boot(self):
        lines = TRANSCRIPT.splitlines() + [
            "WFISG READY uptime=2.50 cpus=2 kernel=6.1.0-50-cloud-arm64",
            "WFISG MARK start uptime=2.70",
            "WFISG HB 1 2.80",
            "WFISG HB 0 2.81",
        ]
        r = tcglib.parse_lines(lines)
        self.assertEqual(len(r.ready), 2)
        self.assertIsNone(r.end)
        self.assertEqual(r.marks, {"start": 2.70})
        self.assertEqual(r.ct_hist, [])
        self.assertEqual(r.hb, [(1, 2.80), (0, 2.81)])

    def test_other_lines_ignored(self):
        r = tcglib.parse_lines(["WFISGX READY", "xx WFISG READY uptime=1 cpus=1", "WFISG "])
        self.assertEqual(r.ready, [])


if __name__ == "__main__":
    unittest.main()
