"""Benchmarks: not tests. ``make bench`` (``python -m tests.benchmarks``) runs them, prints a table and writes
``.bench/latest.json``. Nothing here asserts on time; a benchmark that cannot run reports why and the others go on.

Modules:
  flash_sale      64 buyers on one hot concert (PostgreSQL, real bus): holds/s, checkouts/s, latencies, OVERSOLD
  hold_ceiling    standing and chosen-seat holds/s: our service vs the least SQL that makes the hold (one
                  statement, raw asyncpg)
  checkout_ceiling checkouts/s: checkout_hold (two statements) vs its transaction path and vs the same two
                  statements through raw asyncpg; round trips per checkout counted on the socket
  live_latency    commit -> subscriber received over Redis, beside a bare Redis publish -> receive
  tickets, kiosk_seat_map, kiosk_print_stall, kiosk_app, admin_app, api_flash_sale, verify_function: see each
  summary         the one table printed last: each benchmark's headline figures (Result.headline), in order
  profile_hold    (not run by make bench) profile of standing holds: ``python -m tests.benchmarks.profile_hold``
"""
