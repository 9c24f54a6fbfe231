"""A believable demo community (members, cases, replies, votes) for trying the forum and for benchmarks."""
