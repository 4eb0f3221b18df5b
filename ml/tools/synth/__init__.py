"""`python -m ml synth`: MovieLens files of ml-25m's shape, for the full-scale benchmark.

At `scale` 1.0 the four CSV files match ml-25m's published shape: users, movies and ratings
counts, ratings per user (at least 20, heavy-tailed), genre frequencies, movies without ratings
or genres, movie popularity, the rating-value mix and the span of timestamps. Ratings come from
a global mean plus user and movie biases plus a low-rank taste model plus noise, so a tuned ALS
has real structure to find. Users and movies both scale with `scale`, so ratings per user and per
movie keep their shape (only the most popular movies saturate at small scale).

Users are generated and written in chunks (numpy arrays, never one Python object per rating);
the same scale and seed give the same bytes. Modules: shape (ml-25m's figures and the spec),
movies, users, popularity (which movies a user rates), ratings, tags, links, output (the CSV
writer and synth.json) and generator (the order of the draws; a folder generated or reused).
"""
