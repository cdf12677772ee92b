"""Unit tests of the relay's pure core (run by scripts/netem/netem-core.test.ts through vitest, or by
`python3 -m unittest discover -s scripts/netem`)."""

import unittest

from netem_core import DelayLine, FifoLine, Impairment, Lateness, Schedule, percentile, retransmit_ms


class ScheduleTest(unittest.TestCase):
    def test_loss_rate_and_determinism(self) -> None:
        a = Schedule(Impairment(loss=0.1), "seed:1")
        b = Schedule(Impairment(loss=0.1), "seed:1")
        da = [a.decide(0.0) for _ in range(20_000)]
        db = [b.decide(0.0) for _ in range(20_000)]
        self.assertEqual(da, db)
        dropped = sum(1 for x in da if x is None)
        # Binomial(20000, 0.1): sd 42; 0.1 +- 0.01 is 4.7 sd, and the seed makes it exact anyway.
        self.assertTrue(1800 <= dropped <= 2200, dropped)
        self.assertNotEqual(da, [Schedule(Impairment(loss=0.1), "seed:2").decide(0.0) for _ in range(20_000)])

    def test_stream_loss_is_a_late_chunk_not_a_lost_one(self) -> None:
        s = Schedule(Impairment(delay_ms=25, loss=0.3), "tcp")
        dues = [s.decide(0.0, lossy=False, retransmit=True) for _ in range(2000)]
        self.assertTrue(all(d is not None for d in dues))
        late = [d for d in dues if d is not None and d > 0.1]
        self.assertTrue(0.25 < len(late) / len(dues) < 0.35)
        # 25 ms one way + max(200, 100) ms retransmission timeout
        self.assertTrue(all(abs(d - 0.225) < 1e-9 for d in late))
        self.assertEqual(retransmit_ms(Impairment(delay_ms=80)), 320.0)
        # Without `retransmit` a stream sees no loss at all, as before.
        s2 = Schedule(Impairment(delay_ms=25, loss=0.3), "tcp")
        self.assertTrue(all(s2.decide(0.0, lossy=False) == 0.025 for _ in range(200)))

    def test_no_loss_and_not_lossy(self) -> None:
        s = Schedule(Impairment(loss=0.0), "x")
        self.assertTrue(all(s.decide(1.0) == 1.0 for _ in range(1000)))
        t = Schedule(Impairment(loss=1.0, delay_ms=10), "x")
        self.assertTrue(all(t.decide(1.0) is None for _ in range(100)))
        # TCP chunks are never dropped (lossy=False): only delayed.
        self.assertTrue(all(t.decide(1.0, lossy=False) == 1.0 + 0.010 for _ in range(100)))

    def test_delay_and_jitter_bounds(self) -> None:
        s = Schedule(Impairment(delay_ms=25, jitter_ms=10), "j")
        delays = [(s.decide(100.0) or 0) - 100.0 for _ in range(10_000)]
        self.assertGreaterEqual(min(delays), 0.015 - 1e-9)
        self.assertLessEqual(max(delays), 0.035 + 1e-9)
        mean = sum(delays) / len(delays)
        self.assertAlmostEqual(mean, 0.025, delta=0.0005)
        # Uniform: about a tenth of the draws in each tenth of the range.
        low = sum(1 for d in delays if d < 0.017)
        self.assertTrue(700 <= low <= 1300, low)

    def test_jitter_never_negative_delay(self) -> None:
        s = Schedule(Impairment(delay_ms=2, jitter_ms=10), "n")
        self.assertTrue(all((s.decide(5.0) or 0) >= 5.0 for _ in range(1000)))

    def test_changing_the_impairment_keeps_the_draw_sequence(self) -> None:
        a = Schedule(Impairment(loss=0.5), "k")
        b = Schedule(Impairment(loss=0.5), "k")
        for _ in range(10):
            a.decide(0.0)
        b.set(Impairment(delay_ms=5))
        for _ in range(10):
            b.decide(0.0)
        b.set(Impairment(loss=0.5))
        self.assertEqual([a.decide(0.0) for _ in range(100)], [b.decide(0.0) for _ in range(100)])

    def test_rejects_bad_values(self) -> None:
        with self.assertRaises(ValueError):
            Impairment(loss=1.5)
        with self.assertRaises(ValueError):
            Impairment(delay_ms=-1)


class DelayLineTest(unittest.TestCase):
    def test_due_order_with_ties_in_arrival_order(self) -> None:
        line: DelayLine[int] = DelayLine()
        for i in range(100):
            line.push(1.0, i)  # all due together
        line.push(0.5, -1)
        self.assertEqual(line.next_due(), 0.5)
        self.assertEqual([x for _, x in line.pop_ready(0.9)], [-1])
        self.assertEqual([x for _, x in line.pop_ready(1.0)], list(range(100)))
        self.assertIsNone(line.next_due())

    def test_jitter_may_reorder_datagrams(self) -> None:
        line: DelayLine[str] = DelayLine()
        line.push(2.0, "first")
        line.push(1.5, "second")
        self.assertEqual([x for _, x in line.pop_ready(3.0)], ["second", "first"])

    def test_nothing_before_due(self) -> None:
        line: DelayLine[str] = DelayLine()
        line.push(2.0, "a")
        self.assertEqual(line.pop_ready(1.999), [])
        self.assertEqual(len(line), 1)


class FifoLineTest(unittest.TestCase):
    def test_in_order_even_when_jitter_says_otherwise(self) -> None:
        line: FifoLine[int] = FifoLine()
        s = Schedule(Impairment(delay_ms=25, jitter_ms=20), "tcp")
        dues = []
        for i in range(1000):
            due = s.decide(i * 0.001, lossy=False)
            assert due is not None
            dues.append(line.push(due, i))
        self.assertEqual(dues, sorted(dues))
        got: list[int] = []
        t = 0.0
        while len(line):
            t += 0.003
            got.extend(x for _, x in line.pop_ready(t))
        self.assertEqual(got, list(range(1000)))

    def test_equal_due_times_keep_order(self) -> None:
        line: FifoLine[bytes] = FifoLine()
        for i in range(50):
            line.push(1.0, bytes([i]))
        self.assertEqual(b"".join(x for _, x in line.pop_ready(1.0)), bytes(range(50)))

    def test_never_earlier_than_its_own_due(self) -> None:
        line: FifoLine[str] = FifoLine()
        self.assertEqual(line.push(5.0, "a"), 5.0)
        self.assertEqual(line.push(4.0, "b"), 5.0)  # held behind "a"
        self.assertEqual(line.push(6.0, "c"), 6.0)
        self.assertEqual(line.pop_ready(5.5), [(5.0, "a"), (5.0, "b")])


class LatenessTest(unittest.TestCase):
    def test_summary(self) -> None:
        lat = Lateness()
        for i in range(100):
            lat.record(1.0, 1.0 + i / 1000.0)  # 0..99 ms late
        lat.record(2.0, 1.9)  # early counts as 0
        s = lat.summary()
        self.assertEqual(s["n"], 101)
        self.assertEqual(s["max_ms"], 99.0)
        self.assertEqual(s["p50_ms"], 49.0)
        self.assertEqual(s["over_5ms"], 94)
        lat.reset()
        self.assertEqual(lat.summary()["n"], 0)
        self.assertIsNone(lat.summary()["p50_ms"])

    def test_percentile_nearest_rank(self) -> None:
        self.assertEqual(percentile([1.0, 2.0, 3.0, 4.0], 50), 2.0)
        self.assertEqual(percentile([1.0, 2.0, 3.0, 4.0], 95), 4.0)
        self.assertEqual(percentile([7.0], 1), 7.0)
        self.assertIsNone(percentile([], 50))


if __name__ == "__main__":
    unittest.main()
