"""`python -m ml bench`: the whole pipeline timed stage by stage, against the original recipe.
Modules: run (the stages and the results), measure (a process tree's wall time and peak memory;
the machine), original (the original study's recipe, `python -m ml bench-original`) and
benchmarks_md (BENCHMARKS.md from the results)."""
