"""Reading paper-ticket QR texts: every accepted form and every rule that rejects one."""

import pytest

from jinlotto.errors import InvalidTicketError
from jinlotto.ingest.qr import parse_qr

GAME_A = "q011523273641"  # auto: 1 15 23 27 36 41
GAME_B = "m450102030405"  # manual, unsorted on the ticket: 45 1 2 3 4 5
TAIL = "3393773282"


def test_reads_a_current_ticket_url_with_tail() -> None:
    url = f"https://m.dhlottery.co.kr/qr.do?method=winQr&v=1200{GAME_A}{GAME_B}{TAIL}"
    ticket = parse_qr(url)
    assert ticket.draw_no == 1200
    assert [game.numbers for game in ticket.games] == [(1, 15, 23, 27, 36, 41), (1, 2, 3, 4, 5, 45)]
    assert [game.kind for game in ticket.games] == ["auto", "manual"]


def test_reads_an_older_nlotto_url_and_a_bare_value() -> None:
    old = parse_qr(f"http://m.nlotto.co.kr/?v=0913{GAME_A}")
    bare = parse_qr(f"  0913{GAME_A}\n")
    assert old == bare
    assert old.draw_no == 913


@pytest.mark.parametrize(
    "text",
    [
        f"http://qr.nlotto.co.kr/?v=0913{GAME_A}",  # real older tickets
        f"https://www.dhlottery.co.kr/qr.do?method=winQr&v=0913{GAME_A}",
        f"https://M.DHLOTTERY.CO.KR./qr.do?v=0913{GAME_A}",
        f"v=0913{GAME_A}",  # the part a person copies out of the URL
        f"?v=0913{GAME_A}",
    ],
)
def test_every_era_of_ticket_url_and_a_copied_fragment_are_read(text: str) -> None:
    assert parse_qr(text) == parse_qr(f"0913{GAME_A}")


def test_a_letter_other_than_m_or_q_is_reported_as_unknown() -> None:
    ticket = parse_qr(f"0913x010203040506{GAME_A}")
    assert [game.kind for game in ticket.games] == ["unknown", "auto"]


def test_five_games_is_the_most_a_ticket_holds() -> None:
    assert len(parse_qr("1000" + GAME_A * 5 + TAIL).games) == 5


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f"https://evil.example.com/qr.do?v=1200{GAME_A}", "host 'evil.example.com' is not on"),
        (f"https://evil-dhlottery.co.kr/?v=1200{GAME_A}", "not a Lotto ticket URL"),
        (f"https://dhlottery.co.kr.evil.com/?v=1200{GAME_A}", "not a Lotto ticket URL"),
        (f"https://nlotto.co.kr@evil.com/?v=1200{GAME_A}", "host 'evil.com'"),
        (f"ftp://m.dhlottery.co.kr/?v=1200{GAME_A}", "scheme 'ftp' is not http"),
        ("https://m.dhlottery.co.kr/qr.do?method=winQr", "no single 'v'"),
        (f"https://m.dhlottery.co.kr/?v=1200{GAME_A}&v=1201{GAME_A}", "no single 'v'"),
        ("1200", "no games"),
        ("1200" + TAIL, "no games"),
        ("1200" + GAME_A * 6, "at most 5 games"),
        ("1200q000203040506", "outside 1-45"),
        ("1200q460203040506", "outside 1-45"),
        ("1200q010203040501", "repeat"),
        ("1200q01020304050", "expected 12 digits"),
        ("1200q0102030405060q010203040506", "more than 12 digits"),
        (f"1200{GAME_A}123", "10-digit serial"),
        (f"1200{GAME_A}{TAIL}0", "10-digit serial"),
        (f"1200{GAME_A}{TAIL}<script>", "unexpected characters"),
        (f"1200{GAME_A}!", "unexpected characters"),
        ("12a0" + GAME_A, "4-digit draw number"),
        ("0000" + GAME_A, "at least 1"),
        ("١٢٠٠" + GAME_A, "4-digit draw number"),  # non-ASCII digits
        ("", "empty"),
        ("1200" + GAME_A * 100, "longer than"),
        ("http://[::1/?v=1", "not a valid URL"),
    ],
)
def test_malformed_qr_texts_are_rejected_with_a_reason(text: str, message: str) -> None:
    with pytest.raises(InvalidTicketError, match=message):
        parse_qr(text)
