"""Measure the de-identification guard: precision, recall and speed on the annotated corpus.

    .venv/bin/python bench/deidentify_corpus.py [--repeat 20] [--show]

Two sets are reported apart. "tuned" is clean.txt + identifiers.txt, the corpus the rules were
tuned on (the test suite requires it to be exact, so it scores 1.0 by construction). "held-out"
is heldout.txt, written after tuning and never tuned on: its figures are the honest ones.

Matching is strict: a finding is a true positive only if an expected identifier has the same
kind and exactly the same start and end. A lenient line (same kind, spans overlap) is printed
too, since a highlight that is a few characters too long or short still does its job.

Speed: sentences per second over the corpus, then the time to check one 10,000-character post,
realistic (corpus sentences joined) and adversarial (inputs built to make regexes backtrack).
"""

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def score(sentences, find, lenient=False):
    """Return per-kind Counters (tp, fp, fn) and the list of mistakes for a set of annotated sentences."""
    counts = {"tp": Counter(), "fp": Counter(), "fn": Counter()}
    mistakes = []
    for text, expected in sentences:
        found = [(f.kind, f.start, f.end) for f in find(text)]
        unmatched = list(expected)
        for kind, start, end in found:
            match = next((e for e in unmatched if e[0] == kind and _same(e, start, end, lenient)), None)
            if match:
                unmatched.remove(match)
                counts["tp"][kind] += 1
            else:
                counts["fp"][kind] += 1
                mistakes.append(("false positive", kind, text[start:end], text))
        for kind, start, end in unmatched:
            counts["fn"][kind] += 1
            mistakes.append(("missed", kind, text[start:end], text))
    return counts, mistakes


def _same(expected, start, end, lenient):
    """Return True if a found span matches an expected one: exactly, or overlapping when lenient."""
    if lenient:
        return start < expected[2] and expected[1] < end
    return (start, end) == (expected[1], expected[2])


def _ratio(numerator, denominator):
    return numerator / denominator if denominator else 1.0


def report(title, sentences, find, show):
    """Print precision, recall and per-kind counts for one set of sentences."""
    counts, mistakes = score(sentences, find)
    lenient, _ = score(sentences, find, lenient=True)
    print(f"\n{title}: {len(sentences)} sentences, {sum(1 for _, e in sentences if not e)} without identifiers")
    for label, c in (("strict ", counts), ("lenient", lenient)):
        tp, fp, fn = (sum(c[k].values()) for k in ("tp", "fp", "fn"))
        print(
            f"  {label}: precision {_ratio(tp, tp + fp):.3f}  recall {_ratio(tp, tp + fn):.3f}"
            f"  (tp {tp}, fp {fp}, fn {fn})"
        )
    print(f"  {'kind':<14}{'expected':>9}{'found':>7}{'tp':>5}{'fp':>5}{'fn':>5}")
    for kind in sorted(set().union(*counts.values())):
        tp, fp, fn = counts["tp"][kind], counts["fp"][kind], counts["fn"][kind]
        print(f"  {kind:<14}{tp + fn:>9}{tp + fp:>7}{tp:>5}{fp:>5}{fn:>5}")
    for what, kind, span, text in mistakes if show else ():
        print(f"    {what} {kind}: {span!r} in {text!r}")


def time_check(find, text, repeat):
    """Return "median ms (best ms)" of find(text) over repeat runs; the best is the least disturbed by load."""
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        find(text)
        runs.append((time.perf_counter() - started) * 1000)
    return f"{statistics.median(runs):.2f} ms (best {min(runs):.2f} ms)"


ADVERSARIAL = {
    "digits and spaces": "1 2 " * 2500,
    "one long number": "0" * 10_000,
    "civility + capitals": "M. " + "Aa " * 3332,
    "particles without a name": "Mme " + "de " * 3332,
    "street words": "12 rue " + "de la " * 1665,
    "e-mail-like": "a." * 4000 + "a@" + "b." * 999,
    "phone groups": "+33 " + "12 " * 3331,
    "birth context": "né le " * 1666,
    "record labels": "IPP n° " * 1428,
}


def main():
    """Score both sets and time the guard."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="runs per timing (median and best are printed)")
    parser.add_argument("--show", action="store_true", help="list every false positive and missed identifier")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from forum.content.deidentify import find_identifiers
    from tests.content.test_deidentify import read_corpus

    tuned = read_corpus("clean.txt") + read_corpus("identifiers.txt")
    heldout = read_corpus("heldout.txt")
    report("tuned corpus (clean.txt + identifiers.txt)", tuned, find_identifiers, args.show)
    report("held-out (heldout.txt, never tuned on)", heldout, find_identifiers, args.show)

    texts = [text for text, _ in tuned + heldout]
    started = time.perf_counter()
    for _ in range(args.repeat):
        for text in texts:
            find_identifiers(text)
    elapsed = time.perf_counter() - started
    print(f"\nspeed: {len(texts) * args.repeat / elapsed:,.0f} sentences/s ({len(texts)} sentences x {args.repeat})")
    post = " ".join(texts)
    post = (post * (10_000 // len(post) + 1))[:10_000]
    print(f"  10,000-character post of corpus sentences: {time_check(find_identifiers, post, args.repeat)}")
    for name, text in ADVERSARIAL.items():
        text = text[:10_000]
        print(f"  adversarial, {name} ({len(text):,} chars): {time_check(find_identifiers, text, args.repeat)}")


if __name__ == "__main__":
    main()
