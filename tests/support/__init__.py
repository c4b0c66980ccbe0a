"""Dev-only helpers shared by the browser tests (tests/e2e) and the benchmarks (bench/).

Not part of the app: nothing in nervetriage/ imports this.
"""
