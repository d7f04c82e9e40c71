"""History arrays: every per-draw field lines up with its draw, through every slice."""

import numpy as np

from jinlotto.domain.draw import Draw, make_draw
from jinlotto.domain.history import History
from jinlotto.domain.schedule import scheduled_date


def _draw(draw_no: int, split: tuple[int, int, int] | None) -> Draw:
    auto, semi_auto, manual = split if split is not None else (None, None, None)
    return make_draw(
        draw_no=draw_no,
        draw_date=scheduled_date(draw_no),
        numbers=[1, 2, 3, 4, 5, 6],
        bonus_no=7,
        first_auto=auto,
        first_semi_auto=semi_auto,
        first_manual=manual,
    )


def test_first_prize_split_is_kept_per_draw_with_minus_one_where_unpublished() -> None:
    draws = [_draw(263, (5, 1, 3)), _draw(261, None), _draw(262, (2, 0, 0))]
    history = History.from_draws(draws)
    assert history.draw_nos.tolist() == [261, 262, 263]
    assert history.first_auto.tolist() == [-1, 2, 5]
    assert history.first_semi_auto.tolist() == [-1, 0, 1]
    assert history.first_manual.tolist() == [-1, 0, 3]
    earlier = history.before(263)
    assert earlier.first_auto.tolist() == [-1, 2]
    assert history.last(1).first_manual.tolist() == [3]


def test_shared_split_adds_up_to_the_first_prize_winners(shared_history: History) -> None:
    published = shared_history.first_auto >= 0
    assert shared_history.draw_nos[published][0] == 262
    split = shared_history.first_auto + shared_history.first_semi_auto + shared_history.first_manual
    assert np.array_equal(split[published], shared_history.winners[published, 0])
    assert (shared_history.first_semi_auto[published] >= 0).all()


def test_an_empty_history_has_empty_split_arrays() -> None:
    history = History.from_draws([])
    assert history.first_auto.shape == history.first_manual.shape == (0,)
    assert history.latest_draw_no is None
