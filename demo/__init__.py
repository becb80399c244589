"""Demo data of every app and the commands that load it: seed_demo, seed_performance, seed_running_plans.

Development, tests and benchmarks only (`KAM_DEMO_DATA_ALLOWED`). `demo` may import every app but
`kam`; no app imports `demo`.
"""
