"""Similar movies by the cosine of their factors (numpy, on the driver)."""


def test_most_similar_movies_by_cosine_of_factors():
    import numpy as np

    from ml.recommenders.top_n import most_similar

    ids = np.array([1, 2, 3, 4])
    factors = np.array([[1.0, 0.0], [2.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    rows = most_similar((ids, factors), 2)
    by_movie = {}
    for movie, rank, other, similarity in rows:
        by_movie.setdefault(movie, []).append((rank, other, round(similarity, 6)))
    half = round(2**-0.5, 6)
    # movie 1 and 2 point the same way (similarity 1, whatever their length); never itself
    assert by_movie[1] == [(1, 2, 1.0), (2, 4, half)]
    assert by_movie[3] == [(1, 4, half), (2, 1, 0.0)]  # 1 and 2 tie at 0: the smaller id first
    assert by_movie[4] == [(1, 1, half), (2, 2, half)]
    assert len(most_similar((ids, factors), 10)) == 4 * 3  # at most every other movie
